package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kgr.model.Secret;

/** The inventory's salted hashes and the plan's keyed pins: nothing a plan shows lets a password be guessed. */
class PasswordHashTest {
    @Test
    void everyHashHasItsOwnRandomSaltAndStillMatchesItsPassword() {
        String first = PasswordHash.fresh(new Secret("pw-1"));
        String again = PasswordHash.fresh(new Secret("pw-1"));
        assertThat(again).as("same password, another salt").isNotEqualTo(first);
        assertThat(first.split(":")[2]).isNotEqualTo(again.split(":")[2]);
        assertThat(PasswordHash.matches(first, new Secret("pw-1"))).isTrue();
        assertThat(PasswordHash.matches(again, new Secret("pw-1"))).isTrue();
        assertThat(PasswordHash.matches(first, new Secret("pw-2"))).isFalse();
        assertThat(PasswordHash.matches(first, new Secret("pw-1"))).as("remembered answer is the same").isTrue();
        assertThat(PasswordHash.matches(first, new Secret("pw-2"))).isFalse();
        assertThat(PasswordHash.matches("", new Secret("pw-1"))).isFalse();
    }

    @Test
    void whileTheSecretIsAtTheVersionItWasHashedFromTheVersionDecidesElseTheHash() {
        String hash = PasswordHash.fresh(new Secret("pw-1", "file:2049:77:5:1700000000.000000001"));
        assertThat(hash).as("the version is recorded, not the password").doesNotContain("pw-1");
        // the same version means the same bytes of the same Secret: the version alone answers (no PBKDF2)
        assertThat(PasswordHash.matches(hash, new Secret("pw-other", "file:2049:77:5:1700000000.000000001")))
                .as("an unchanged Secret is taken as read, whatever the caller passes").isTrue();
        // any other version (a write, a new inode, another key) goes back to the salted hash
        assertThat(PasswordHash.matches(hash, new Secret("pw-1", "file:2049:77:5:1700000009.000000001"))).isTrue();
        assertThat(PasswordHash.matches(hash, new Secret("pw-2", "file:2049:77:5:1700000009.000000001")))
                .as("a rotated password in a rewritten file").isFalse();
        assertThat(PasswordHash.matches(hash, new Secret("pw-2"))).as("no version: the hash decides").isFalse();
        assertThat(PasswordHash.matches(hash, new Secret("pw-1"))).isTrue();
        String unversioned = PasswordHash.fresh(new Secret("pw-1"));
        assertThat(unversioned.split(":")).as("no version, the old four-part record").hasSize(4);
        assertThat(PasswordHash.matches(unversioned, new Secret("pw-2", "kubernetes:uid:7:password"))).isFalse();
    }
}
