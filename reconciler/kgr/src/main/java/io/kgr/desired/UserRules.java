package io.kgr.desired;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.kgr.manifest.Diagnostic;
import io.kgr.manifest.FieldPath;
import io.kgr.manifest.Manifest;
import io.kgr.model.AclRule;
import io.kgr.model.Secret;
import io.kgr.model.SecretRef;
import tools.jackson.databind.JsonNode;

/** KafkaUser manifest → {@link UserSpec}, with the checks the schema cannot make. */
final class UserRules {
    /** Strimzi's quota fields → Kafka's client quota keys. */
    private static final Map<String, String> QUOTA_KEYS = Map.of(
            "producerByteRate", "producer_byte_rate",
            "consumerByteRate", "consumer_byte_rate",
            "requestPercentage", "request_percentage",
            "controllerMutationRate", "controller_mutation_rate");

    private final SecretResolver secrets;

    UserRules(SecretResolver secrets) {
        this.secrets = secrets;
    }

    UserSpec user(Manifest m, List<Diagnostic> diagnostics) {
        JsonNode spec = m.body().path("spec");
        FieldPath specPath = FieldPath.ROOT.child("spec");
        long before = errors(diagnostics);
        String name = m.name();

        JsonNode auth = spec.path("authentication");
        FieldPath authPath = specPath.child("authentication");
        String type = auth.path("type").asString("none");
        boolean tls = type.startsWith("tls");
        String principal = tls ? "User:CN=" + name : "User:" + name;
        Optional<String> mechanism = type.startsWith("scram-") ? Optional.of(type.toUpperCase(Locale.ROOT)) : Optional.empty();

        Optional<SecretRef> ref = Optional.empty();
        Optional<Secret> password = Optional.empty();
        boolean generated = false;
        if (mechanism.isPresent()) {
            JsonNode r = auth.path("password").path("valueFrom").path("secretKeyRef");
            if (r.isObject()) {
                FieldPath refPath = authPath.child("password").child("valueFrom").child("secretKeyRef");
                ref = Optional.of(new SecretRef(r.path("name").asString(""), r.path("key").asString("")));
                password = secrets.checked() ? secrets.resolve(ref.get()) : Optional.empty();
                if (!secrets.checked()) {
                    diagnostics.add(Diagnostic.warning(m.at(refPath), refPath.toString(), "password " + ref.get()
                            + " not checked (no --secrets-dir given)"));
                } else if (password.isEmpty()) {
                    diagnostics.add(Diagnostic.error(m.at(refPath), refPath.toString(), "password " + ref.get()
                            + " not found: looked in " + secrets.places(ref.get())));
                } else if (password.get().reveal().isEmpty()) {
                    diagnostics.add(Diagnostic.error(m.at(refPath), refPath.toString(), "password " + ref.get() + " is empty"));
                }
            } else if (secrets.generates() && secrets.foreignSecret(name) && secrets.strimziUserSecret(name)) {
                // a user Strimzi's User Operator ran: its password stays the one Strimzi generated (clients use it)
                ref = Optional.of(new SecretRef(name, "password"));
                password = secrets.resolve(ref.get());
                diagnostics.add(Diagnostic.warning(m.at(authPath), authPath.child("password").toString(), "the password"
                        + " comes from Secret " + secrets.namespace().orElse("") + "/" + name + ", which Strimzi's User"
                        + " Operator generated: kgr reads it and never changes or deletes it (reference it with"
                        + " password.valueFrom.secretKeyRef to make that explicit)"));
                if (password.isEmpty() || password.get().reveal().isEmpty()) {
                    diagnostics.add(Diagnostic.error(m.at(authPath), authPath.child("password").toString(), "Secret "
                            + secrets.namespace().orElse("") + "/" + name + " has no password"));
                }
            } else if (secrets.generates()) {
                ref = Optional.of(new SecretRef(name, "password"));
                if (secrets.foreignSecret(name)) {
                    diagnostics.add(Diagnostic.error(m.at(authPath), authPath.child("password").toString(),
                            "the Secret " + secrets.namespace().orElse("") + "/" + name + " exists and was not created by"
                                    + " kgr: kgr will not generate a password into it; reference it with"
                                    + " password.valueFrom.secretKeyRef, or remove it"));
                }
                password = secrets.resolve(ref.get()); // empty until kgr has generated it
                generated = true;
            } else if (!secrets.checked()) {
                // validate has no target: whether a password can be generated depends on the cluster it goes to
                diagnostics.add(Diagnostic.warning(m.at(authPath), authPath.child("password").toString(),
                        "no password.valueFrom.secretKeyRef: on Kubernetes kgr generates the password into a Secret"
                                + " named " + name + "; on a Kafka-only cluster the plan will refuse this user"));
            } else {
                diagnostics.add(Diagnostic.error(m.at(authPath), authPath.child("password").toString(),
                        "a SCRAM user needs password.valueFrom.secretKeyRef on a Kafka-only cluster: kgr generates"
                                + " passwords only into Kubernetes Secrets"));
            }
        }

        List<AclRule> acls = new ArrayList<>();
        JsonNode authorization = spec.path("authorization");
        int index = 0;
        for (JsonNode acl : authorization.path("acls")) {
            acls.addAll(acl(m, principal, acl, specPath.child("authorization").child("acls").index(index++), diagnostics));
        }

        TreeMap<String, Double> quotas = new TreeMap<>();
        spec.path("quotas").properties().forEach(e -> {
            String key = QUOTA_KEYS.get(e.getKey());
            if (key != null && e.getValue().isNumber()) quotas.put(key, e.getValue().asDouble());
        });

        if (errors(diagnostics) > before || !m.schemaValid()) return null;
        return new UserSpec(name, principal, type, mechanism, ref, password, acls, quotas, m.start(), generated);
    }

    private static List<AclRule> acl(Manifest m, String principal, JsonNode acl, FieldPath path, List<Diagnostic> diagnostics) {
        JsonNode resource = acl.path("resource");
        String type = resource.path("type").asString("");
        String pattern = resource.path("patternType").asString("literal");
        String name = resource.path("name").asString("");
        if (type.equals("cluster")) {
            if (pattern.equals("prefix")) {
                diagnostics.add(Diagnostic.error(m.at(path.child("resource").child("patternType")),
                        path.child("resource").child("patternType").toString(), "a cluster resource cannot have patternType prefix"));
            }
            name = "kafka-cluster";
        } else if (name.isEmpty()) {
            diagnostics.add(Diagnostic.error(m.at(path.child("resource")), path.child("resource").child("name").toString(),
                    "resource name is required for a " + type + " resource"));
        }
        List<String> operations = new ArrayList<>();
        acl.path("operations").forEach(o -> operations.add(o.asString()));
        if (acl.hasNonNull("operation")) {
            if (!operations.isEmpty()) {
                diagnostics.add(Diagnostic.error(m.at(path.child("operation")), path.child("operation").toString(),
                        "use either operations or the deprecated operation, not both"));
            } else {
                diagnostics.add(Diagnostic.warning(m.at(path.child("operation")), path.child("operation").toString(),
                        "operation is deprecated; use operations: [" + acl.get("operation").asString() + "]"));
                operations.add(acl.get("operation").asString());
            }
        }
        if (operations.isEmpty()) {
            diagnostics.add(Diagnostic.error(m.at(path), path.child("operations").toString(), "an ACL needs at least one operation"));
        }
        String host = acl.path("host").asString("*");
        String permission = acl.path("type").asString("allow").toUpperCase(Locale.ROOT);
        String resourceType = switch (type) {
            case "transactionalId" -> "TRANSACTIONAL_ID";
            default -> type.toUpperCase(Locale.ROOT);
        };
        String patternType = pattern.equals("prefix") ? "PREFIXED" : "LITERAL";
        List<AclRule> rules = new ArrayList<>();
        for (String op : operations) {
            rules.add(new AclRule(principal, host, operationName(op), permission, resourceType, name, patternType));
        }
        return rules;
    }

    /** Strimzi's CamelCase operations → Kafka's AclOperation names (IdempotentWrite → IDEMPOTENT_WRITE). */
    static String operationName(String op) {
        return op.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    static long errors(List<Diagnostic> diagnostics) {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }
}
