package io.kgr.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** When a read waits for the metadata log: only for live nodes that have not fetched up to what was committed. */
class MetadataSettlingTest {
    private static final long NOW = 1_000_000;

    private static AdminKafkaState.Fetcher at(long offset, long fetchedMsAgo) {
        return new AdminKafkaState.Fetcher(offset, OptionalLong.of(NOW - fetchedMsAgo));
    }

    @Test
    void aLiveNodeShortOfTheCommittedOffsetIsWaitedForAndADeadOneIsNot() {
        assertThat(AdminKafkaState.behind(100, NOW, List.of(at(100, 10), at(120, 10)))).isFalse();
        assertThat(AdminKafkaState.behind(100, NOW, List.of(at(100, 10), at(99, 10)))).isTrue();
        // not fetched for 6 s: down or cut off, so the read does not wait for it
        assertThat(AdminKafkaState.behind(100, NOW, List.of(at(100, 10), at(40, 6_000)))).isFalse();
        // the leader reports no fetch time for itself
        assertThat(AdminKafkaState.behind(100, NOW, List.of(new AdminKafkaState.Fetcher(90, OptionalLong.empty())))).isTrue();
    }
}
