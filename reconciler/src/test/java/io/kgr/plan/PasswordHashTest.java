package io.kgr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kgr.model.Secret;

/** The inventory's password hash, remembered between plans: a changed password must never get the old hash. */
class PasswordHashTest {
    @Test
    void aRememberedHashIsReturnedOnlyForTheSamePasswordOfTheSameUser() {
        String first = PasswordHash.of(new Secret("pw-1"), "c1", "alice");
        assertThat(PasswordHash.of(new Secret("pw-1"), "c1", "alice")).isEqualTo(first);
        String changed = PasswordHash.of(new Secret("pw-2"), "c1", "alice");
        assertThat(changed).isNotEqualTo(first);
        assertThat(PasswordHash.matches(changed, new Secret("pw-2"))).isTrue();
        assertThat(PasswordHash.matches(changed, new Secret("pw-1"))).isFalse();
        // another user (another salt) with the same password gets its own hash
        assertThat(PasswordHash.of(new Secret("pw-1"), "c1", "bob")).isNotEqualTo(first);
        assertThat(PasswordHash.of(new Secret("pw-1"), "c2", "alice")).isNotEqualTo(first);
        assertThat(PasswordHash.matches(first, new Secret("pw-1"))).isTrue();
    }
}
