package io.kgr.desired;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.kgr.manifest.Location;
import io.kgr.model.AclRule;
import io.kgr.model.Secret;
import io.kgr.model.SecretRef;

/**
 * A user as Git declares it.
 *
 * @param principal   {@code User:<name>} for SCRAM and no authentication, {@code User:CN=<name>} for TLS
 * @param mechanism   SCRAM-SHA-512 / SCRAM-SHA-256 for SCRAM users, empty otherwise
 * @param passwordRef where the password comes from (SCRAM users only)
 * @param password    the resolved password; never printed
 * @param acls        every binding, one per operation, sorted
 * @param quotas      Kafka quota keys (producer_byte_rate …) → value
 * @param generatedPassword the manifest names no password: kgr generates one into the Secret {@code passwordRef}
 *                    (empty {@code password} until it exists)
 */
public record UserSpec(String name, String principal, String authentication, Optional<String> mechanism,
                       Optional<SecretRef> passwordRef, Optional<Secret> password, List<AclRule> acls,
                       SortedMap<String, Double> quotas, Location origin, boolean generatedPassword) {
    public UserSpec {
        acls = acls.stream().sorted().distinct().toList();
        quotas = Collections.unmodifiableSortedMap(new TreeMap<>(quotas));
    }

    public UserSpec(String name, String principal, String authentication, Optional<String> mechanism,
                    Optional<SecretRef> passwordRef, Optional<Secret> password, List<AclRule> acls,
                    SortedMap<String, Double> quotas, Location origin) {
        this(name, principal, authentication, mechanism, passwordRef, password, acls, quotas, origin, false);
    }

    public boolean isTls() {
        return authentication.startsWith("tls");
    }
}
