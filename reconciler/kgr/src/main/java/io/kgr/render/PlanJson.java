package io.kgr.render;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kgr.plan.Action;
import io.kgr.plan.Change;
import io.kgr.plan.Change.AlterTopicConfig;
import io.kgr.plan.Change.ChangeReplicationFactor;
import io.kgr.plan.Change.CreateTopic;
import io.kgr.plan.Change.DeleteTopic;
import io.kgr.plan.Change.IncreasePartitions;
import io.kgr.plan.Change.UpdateInventory;
import io.kgr.plan.Change.UpsertScramCredential;
import io.kgr.plan.Change.DeleteScramCredential;
import io.kgr.plan.Change.CreateAcls;
import io.kgr.plan.Change.DeleteAcls;
import io.kgr.plan.Change.AlterUserQuotas;
import io.kgr.model.AclRule;
import io.kgr.model.SecretRef;
import io.kgr.inventory.InventoryCodec;
import io.kgr.inventory.ManagedUser;
import io.kgr.plan.FieldChange;
import io.kgr.plan.Phase;
import io.kgr.plan.Plan;
import io.kgr.plan.PlanHeader;
import io.kgr.plan.Refusal;
import io.kgr.plan.Risk;
import io.kgr.plan.Step;
import io.kgr.plan.Unmanaged;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plan as JSON (format version {@value Plan#FORMAT_VERSION}): the machine-readable output of {@code plan -o json}
 * and the saved-plan file that {@code apply --plan} reads back. Keys are written in a fixed order.
 */
public final class PlanJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private PlanJson() {
    }

    public static String write(Plan plan) {
        return JSON.writeValueAsString(tree(plan)) + "\n";
    }

    /** The plan's JSON document, to embed in another (the apply report). */
    static ObjectNode tree(Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", Plan.FORMAT_VERSION);
        PlanHeader h = plan.header();
        ObjectNode header = root.putObject("header");
        header.put("source", h.source());
        header.put("location", h.location());
        header.put("ref", h.ref());
        header.put("commit", h.commit());
        header.put("cluster", h.cluster());
        header.put("bootstrapServers", h.bootstrapServers());
        header.put("createdAt", h.createdAt().toString());
        header.put("fingerprint", h.fingerprint());
        ObjectNode summary = root.putObject("summary");
        summary.put("add", plan.count(Action.CREATE));
        summary.put("change", plan.count(Action.UPDATE));
        summary.put("delete", plan.count(Action.DELETE));
        summary.put("refused", plan.refusals().size());
        ArrayNode steps = root.putArray("steps");
        for (Step s : plan.steps()) steps.add(step(s));
        ArrayNode refusals = root.putArray("refusals");
        for (Refusal r : plan.refusals()) {
            refusals.addObject().put("kind", r.kind()).put("subject", r.subject()).put("reason", r.reason());
        }
        ArrayNode unmanaged = root.putArray("unmanaged");
        for (Unmanaged u : plan.unmanaged()) {
            unmanaged.addObject().put("kind", u.kind()).put("name", u.name()).put("note", u.note());
        }
        ArrayNode notes = root.putArray("notes");
        plan.notes().forEach(notes::add);
        if (!plan.flags().isEmpty()) {
            ArrayNode flags = root.putArray("flags");
            plan.flags().forEach(f -> flags.add(f.name()));
        }
        return root;
    }

    private static ObjectNode step(Step s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", s.id());
        o.put("phase", s.phase().name());
        o.put("action", s.change().action().name());
        o.put("kind", s.change().kind());
        o.put("subject", s.change().subject());
        o.put("risk", s.risk().name());
        o.put("reason", s.reason());
        ArrayNode deps = o.putArray("dependsOn");
        s.dependsOn().forEach(deps::add);
        ArrayNode fields = o.putArray("fields");
        for (FieldChange f : s.fields()) {
            ObjectNode fo = fields.addObject();
            fo.put("field", f.field());
            fo.put("before", f.sensitive() && f.before() != null ? "(sensitive)" : f.before());
            fo.put("after", f.sensitive() && f.after() != null ? "(sensitive)" : f.after());
            if (f.sensitive()) fo.put("sensitive", true);
        }
        o.set("change", change(s.change()));
        return o;
    }

    private static ObjectNode change(Change change) {
        ObjectNode o = JSON.createObjectNode();
        change.accept(new Change.Visitor<Void>() {
            @Override
            public Void createTopic(Change.CreateTopic c) {
                o.put("topic", c.topic());
                if (c.partitions() != null) o.put("partitions", c.partitions());
                if (c.replicas() != null) o.put("replicas", c.replicas());
                stringMap(o.putObject("config"), c.config());
                if (!c.assignment().isEmpty()) {
                    ArrayNode a = o.putArray("assignment");
                    c.assignment().forEach(r -> ints(a.addArray(), r));
                }
                return null;
            }

            @Override
            public Void increasePartitions(Change.IncreasePartitions c) {
                o.put("topic", c.topic()).put("from", c.from()).put("to", c.to());
                ArrayNode a = o.putArray("newReplicas");
                c.newReplicas().forEach(r -> ints(a.addArray(), r));
                return null;
            }

            @Override
            public Void alterTopicConfig(Change.AlterTopicConfig c) {
                o.put("topic", c.topic());
                stringMap(o.putObject("set"), c.set());
                ArrayNode d = o.putArray("delete");
                c.delete().forEach(d::add);
                return null;
            }

            @Override
            public Void changeReplicationFactor(Change.ChangeReplicationFactor c) {
                o.put("topic", c.topic()).put("from", c.from()).put("to", c.to());
                ObjectNode a = o.putObject("assignment");
                c.assignment().forEach((p, r) -> ints(a.putArray(String.valueOf(p)), r));
                return null;
            }

            @Override
            public Void moveReplicas(Change.MoveReplicas c) {
                o.put("topic", c.topic());
                ints(o.putArray("off"), List.copyOf(c.off()));
                ObjectNode a = o.putObject("assignment");
                c.assignment().forEach((p, r) -> ints(a.putArray(String.valueOf(p)), r));
                return null;
            }

            @Override
            public Void deleteTopic(Change.DeleteTopic c) {
                o.put("topic", c.topic()).put("partitions", c.partitions());
                return null;
            }

            @Override
            public Void upsertScramCredential(Change.UpsertScramCredential c) {
                o.put("user", c.user()).put("mechanism", c.mechanism()).put("iterations", c.iterations());
                o.putObject("passwordRef").put("name", c.passwordRef().name()).put("key", c.passwordRef().key());
                o.put("passwordVersion", c.passwordVersion()).put("rotation", c.rotation());
                return null;
            }

            @Override
            public Void deleteScramCredential(Change.DeleteScramCredential c) {
                o.put("user", c.user()).put("mechanism", c.mechanism());
                return null;
            }

            @Override
            public Void createUserSecret(Change.CreateUserSecret c) {
                o.put("user", c.user()).put("mechanism", c.mechanism());
                return null;
            }

            @Override
            public Void deleteUserSecret(Change.DeleteUserSecret c) {
                o.put("user", c.user());
                return null;
            }

            @Override
            public Void createAcls(Change.CreateAcls c) {
                o.put("user", c.user());
                ArrayNode acls = o.putArray("acls");
                c.acls().forEach(a -> acls.add(InventoryCodec.acl(a)));
                return null;
            }

            @Override
            public Void deleteAcls(Change.DeleteAcls c) {
                o.put("user", c.user());
                ArrayNode acls = o.putArray("acls");
                c.acls().forEach(a -> acls.add(InventoryCodec.acl(a)));
                return null;
            }

            @Override
            public Void alterUserQuotas(Change.AlterUserQuotas c) {
                o.put("user", c.user());
                ObjectNode set = o.putObject("set");
                c.set().forEach(set::put);
                ArrayNode remove = o.putArray("remove");
                c.remove().forEach(remove::add);
                return null;
            }

            @Override
            public Void updateInventory(Change.UpdateInventory c) {
                o.put("cluster", c.cluster()).put("source", c.source()).put("commit", c.commit());
                stringMap(o.putObject("topics"), c.topics());
                ObjectNode users = o.putObject("users");
                // what a plan says of users never carries their password hashes (apply takes them from the inventory)
                c.users().forEach((name, u) -> users.set(name, InventoryCodec.user(u.withPasswordHash(
                        u.passwordHash().isEmpty() ? "" : ManagedUser.KEEP))));
                if (!c.adopted().isEmpty()) stringMap(o.putObject("adopted"), c.adopted());
                if (!c.brokerKeys().isEmpty()) {
                    ArrayNode keys = o.putArray("brokerKeys");
                    c.brokerKeys().forEach(keys::add);
                }
                return null;
            }

            @Override
            public Void applyKubeObject(Change.ApplyKubeObject c) {
                o.put("objectKind", c.objectKind()).put("name", c.name()).set("object", JSON.readTree(c.manifest()));
                return null;
            }

            @Override
            public Void expandVolume(Change.ExpandVolume c) {
                o.put("claim", c.claim()).put("from", c.from()).put("to", c.to());
                return null;
            }

            @Override
            public Void createPod(Change.CreatePod c) {
                o.put("pod", c.pod()).set("object", JSON.readTree(c.manifest()));
                return null;
            }

            @Override
            public Void rollPod(Change.RollPod c) {
                o.put("pod", c.pod()).put("nodeId", c.nodeId()).put("broker", c.broker()).set("object", JSON.readTree(c.manifest()));
                return null;
            }

            @Override
            public Void deleteKubeObject(Change.DeleteKubeObject c) {
                o.put("objectKind", c.objectKind()).put("name", c.name());
                return null;
            }

            @Override
            public Void unregisterBroker(Change.UnregisterBroker c) {
                o.put("nodeId", c.nodeId());
                return null;
            }

            @Override
            public Void takeOverObject(Change.TakeOverObject c) {
                o.put("objectKind", c.objectKind()).put("name", c.name()).put("uid", c.uid())
                        .put("nodeCertificate", c.nodeCertificate());
                stringMap(o.putObject("labels"), c.labels());
                stringMap(o.putObject("annotations"), c.annotations());
                return null;
            }

            @Override
            public Void alterBrokerConfig(Change.AlterBrokerConfig c) {
                stringMap(o.putObject("set"), c.set());
                ArrayNode delete = o.putArray("delete");
                c.delete().forEach(delete::add);
                return null;
            }

            @Override
            public Void removeThrottles(Change.RemoveThrottles c) {
                o.put("source", c.source());
                keysByName(o.putObject("brokers"), c.brokers());
                keysByName(o.putObject("topics"), c.topics());
                return null;
            }

            @Override
            public Void issueCa(Change.IssueCa c) {
                o.put("cluster", c.cluster()).put("ca", c.ca()).put("mode", c.mode()).put("commonName", c.commonName())
                        .put("validityDays", c.validityDays()).put("certGeneration", c.certGeneration())
                        .put("keyGeneration", c.keyGeneration());
                return null;
            }

            @Override
            public Void issueCertificate(Change.IssueCertificate c) {
                o.put("secret", c.secret()).put("purpose", c.purpose()).put("cluster", c.cluster())
                        .put("commonName", c.commonName()).put("validityDays", c.validityDays()).put("newKey", c.newKey())
                        .put("exists", c.exists());
                ArrayNode names = o.putArray("names");
                c.names().forEach(names::add);
                stringMap(o.putObject("generations"), c.generations());
                return null;
            }
        });
        return o;
    }

    private static void stringMap(ObjectNode into, SortedMap<String, String> map) {
        map.forEach(into::put);
    }

    private static void keysByName(ObjectNode into, SortedMap<String, List<String>> map) {
        map.forEach((name, keys) -> {
            ArrayNode a = into.putArray(name);
            keys.forEach(a::add);
        });
    }

    private static void ints(ArrayNode into, List<Integer> values) {
        values.forEach(into::add);
    }

    /** Reads a saved plan; a file of another format version or a damaged file is refused with a reason. */
    public static Plan read(String text) throws InvalidPlanException {
        try {
            JsonNode root = JSON.readTree(text);
            int version = root.path("formatVersion").asInt(-1);
            if (version != Plan.FORMAT_VERSION) {
                throw new InvalidPlanException("plan file has formatVersion " + version + "; this kgr reads "
                        + Plan.FORMAT_VERSION);
            }
            JsonNode h = root.path("header");
            PlanHeader header = new PlanHeader(req(h, "source"), req(h, "location"), h.path("ref").asString(""),
                    req(h, "commit"), req(h, "cluster"), h.path("bootstrapServers").asString(""),
                    Instant.parse(req(h, "createdAt")), req(h, "fingerprint"));
            List<Step> steps = new ArrayList<>();
            for (JsonNode s : root.path("steps")) steps.add(readStep(s));
            List<Refusal> refusals = new ArrayList<>();
            for (JsonNode r : root.path("refusals")) {
                refusals.add(new Refusal(req(r, "kind"), req(r, "subject"), req(r, "reason")));
            }
            List<Unmanaged> unmanaged = new ArrayList<>();
            for (JsonNode u : root.path("unmanaged")) {
                unmanaged.add(new Unmanaged(req(u, "kind"), req(u, "name"), u.path("note").asString("")));
            }
            List<String> notes = new ArrayList<>();
            root.path("notes").forEach(n -> notes.add(n.asString()));
            Set<Plan.Flag> flags = EnumSet.noneOf(Plan.Flag.class);
            for (JsonNode f : root.path("flags")) flags.add(Plan.Flag.valueOf(f.asString()));
            return new Plan(header, steps, refusals, unmanaged, notes, flags);
        } catch (JacksonException | IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidPlanException("plan file is not a kgr plan: " + e.getMessage());
        }
    }

    private static Step readStep(JsonNode s) throws InvalidPlanException {
        List<FieldChange> fields = new ArrayList<>();
        for (JsonNode f : s.path("fields")) {
            fields.add(new FieldChange(req(f, "field"), nullable(f.get("before")), nullable(f.get("after")),
                    f.path("sensitive").asBoolean(false)));
        }
        List<String> deps = new ArrayList<>();
        s.path("dependsOn").forEach(d -> deps.add(d.asString()));
        Change change = readChange(req(s, "kind"), s.path("change"));
        return new Step(req(s, "id"), Phase.valueOf(req(s, "phase")), change, Risk.valueOf(req(s, "risk")), fields,
                s.path("reason").asString(""), deps);
    }

    private static Change readChange(String kind, JsonNode c) throws InvalidPlanException {
        Change.Kind type = Change.Kind.of(kind)
                .orElseThrow(() -> new InvalidPlanException("plan file has a step of unknown kind '" + kind + "'"));
        return switch (type) {
            case CREATE_TOPIC -> {
                List<List<Integer>> assignment = new ArrayList<>();
                for (JsonNode r : c.path("assignment")) assignment.add(readInts(r));
                yield new CreateTopic(req(c, "topic"), optInt(c, "partitions"), optInt(c, "replicas"),
                        readMap(c.path("config")), assignment);
            }
            case INCREASE_PARTITIONS -> {
                List<List<Integer>> placement = new ArrayList<>();
                for (JsonNode r : c.path("newReplicas")) placement.add(readInts(r));
                yield new IncreasePartitions(req(c, "topic"), c.path("from").asInt(), c.path("to").asInt(), placement);
            }
            case ALTER_TOPIC_CONFIG -> {
                TreeSet<String> delete = new TreeSet<>();
                c.path("delete").forEach(d -> delete.add(d.asString()));
                yield new AlterTopicConfig(req(c, "topic"), readMap(c.path("set")), delete);
            }
            case CHANGE_REPLICATION_FACTOR -> {
                TreeMap<Integer, List<Integer>> assignment = new TreeMap<>();
                for (var e : c.path("assignment").properties()) {
                    assignment.put(Integer.parseInt(e.getKey()), readInts(e.getValue()));
                }
                yield new ChangeReplicationFactor(req(c, "topic"), c.path("from").asInt(), c.path("to").asInt(), assignment);
            }
            case MOVE_REPLICAS -> {
                TreeMap<Integer, List<Integer>> assignment = new TreeMap<>();
                for (var e : c.path("assignment").properties()) {
                    assignment.put(Integer.parseInt(e.getKey()), readInts(e.getValue()));
                }
                yield new Change.MoveReplicas(req(c, "topic"), new TreeSet<>(readInts(c.path("off"))), assignment);
            }
            case DELETE_TOPIC -> new DeleteTopic(req(c, "topic"), c.path("partitions").asInt());
            case UPSERT_SCRAM_CREDENTIAL -> new UpsertScramCredential(req(c, "user"), req(c, "mechanism"),
                    c.path("iterations").asInt(4096), new SecretRef(req(c.path("passwordRef"), "name"),
                    req(c.path("passwordRef"), "key")), c.path("passwordVersion").asString(""), c.path("rotation").asBoolean(false));
            case DELETE_SCRAM_CREDENTIAL -> new DeleteScramCredential(req(c, "user"), req(c, "mechanism"));
            case CREATE_USER_SECRET -> new Change.CreateUserSecret(req(c, "user"), req(c, "mechanism"));
            case DELETE_USER_SECRET -> new Change.DeleteUserSecret(req(c, "user"));
            case CREATE_ACLS -> new CreateAcls(req(c, "user"), readAcls(c.path("acls")));
            case DELETE_ACLS -> new DeleteAcls(req(c, "user"), readAcls(c.path("acls")));
            case ALTER_USER_QUOTAS -> {
                TreeMap<String, Double> set = new TreeMap<>();
                c.path("set").properties().forEach(e -> set.put(e.getKey(), e.getValue().asDouble()));
                TreeSet<String> remove = new TreeSet<>();
                c.path("remove").forEach(k -> remove.add(k.asString()));
                yield new AlterUserQuotas(req(c, "user"), set, remove);
            }
            case UPDATE_INVENTORY -> {
                TreeMap<String, ManagedUser> users = new TreeMap<>();
                c.path("users").properties().forEach(e -> users.put(e.getKey(), InventoryCodec.readUser(e.getValue())));
                TreeSet<String> brokerKeys = new TreeSet<>();
                c.path("brokerKeys").forEach(k -> brokerKeys.add(k.asString()));
                yield new UpdateInventory(req(c, "cluster"), req(c, "source"), c.path("commit").asString(""),
                        readMap(c.path("topics")), users, readMap(c.path("adopted")), brokerKeys);
            }
            case APPLY_KUBE_OBJECT -> new Change.ApplyKubeObject(req(c, "objectKind"), req(c, "name"),
                    object(c), kind.startsWith("create"));
            case ISSUE_CA -> new Change.IssueCa(req(c, "cluster"), req(c, "ca"), req(c, "mode"), req(c, "commonName"),
                    c.path("validityDays").asInt(), c.path("certGeneration").asInt(), c.path("keyGeneration").asInt());
            case ISSUE_CERTIFICATE -> {
                List<String> names = new ArrayList<>();
                c.path("names").forEach(n -> names.add(n.asString()));
                yield new Change.IssueCertificate(req(c, "secret"), req(c, "purpose"), req(c, "cluster"), req(c, "commonName"),
                        names, c.path("validityDays").asInt(), c.path("newKey").asBoolean(), c.path("exists").asBoolean(),
                        readMap(c.path("generations")));
            }
            case EXPAND_VOLUME -> new Change.ExpandVolume(req(c, "claim"), req(c, "from"), req(c, "to"));
            case CREATE_POD -> new Change.CreatePod(req(c, "pod"), object(c));
            case ROLL_POD -> new Change.RollPod(req(c, "pod"), c.path("nodeId").asInt(), c.path("broker").asBoolean(), object(c));
            case DELETE_KUBE_OBJECT -> new Change.DeleteKubeObject(req(c, "objectKind"), req(c, "name"));
            case UNREGISTER_BROKER -> new Change.UnregisterBroker(c.path("nodeId").asInt(-1));
            case TAKE_OVER_OBJECT -> new Change.TakeOverObject(req(c, "objectKind"), req(c, "name"), req(c, "uid"),
                    readMap(c.path("labels")), readMap(c.path("annotations")), c.path("nodeCertificate").asBoolean());
            case ALTER_BROKER_CONFIG -> {
                TreeSet<String> delete = new TreeSet<>();
                c.path("delete").forEach(k -> delete.add(k.asString()));
                yield new Change.AlterBrokerConfig(readMap(c.path("set")), delete);
            }
            case REMOVE_THROTTLES -> new Change.RemoveThrottles(req(c, "source"), readKeysByName(c.path("brokers")),
                    readKeysByName(c.path("topics")));
        };
    }

    private static String object(JsonNode c) throws InvalidPlanException {
        if (!c.path("object").isObject()) throw new InvalidPlanException("plan file: a step has no Kubernetes object");
        return JSON.writeValueAsString(c.get("object"));
    }

    private static List<AclRule> readAcls(JsonNode node) {
        List<AclRule> out = new ArrayList<>();
        node.forEach(a -> out.add(InventoryCodec.readAcl(a)));
        return out;
    }

    private static TreeMap<String, String> readMap(JsonNode node) {
        TreeMap<String, String> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
        return map;
    }

    private static TreeMap<String, List<String>> readKeysByName(JsonNode node) {
        TreeMap<String, List<String>> map = new TreeMap<>();
        node.properties().forEach(e -> {
            List<String> keys = new ArrayList<>();
            e.getValue().forEach(k -> keys.add(k.asString()));
            map.put(e.getKey(), List.copyOf(keys));
        });
        return map;
    }

    private static List<Integer> readInts(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }

    private static Integer optInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private static String nullable(JsonNode node) {
        return node == null || node.isNull() ? null : node.asString();
    }

    private static String req(JsonNode node, String field) throws InvalidPlanException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw new InvalidPlanException("plan file misses field '" + field + "'");
        return v.asString();
    }

    public static final class InvalidPlanException extends Exception {
        public InvalidPlanException(String message) {
            super(message);
        }
    }
}
