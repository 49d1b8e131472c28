package io.kgr.manifest;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What files gave when they were read before, kept on disk between runs: a CLI run starts cold, and parsing and
 * validating 10,000 manifests costs ≈ 1–1.5 s of CPU on two cores, for files that mostly did not change. One file per
 * source; an entry is a file's path, its bytes and the documents it held (kind, name, body with the exact JSON node
 * types the YAML reader made, where the document starts). A file is used only when its bytes are the same, compared
 * byte for byte: no hash to compute for every file of every run (SHA-256 of 10,000 files was ≈ 35 ms of a cold
 * start, on two cores) and none that could collide.
 *
 * <p>Only files that gave no diagnostic at all are kept, so every error and warning is still found by reading the
 * file. Field positions are not kept: a document from here reads its file again the first time a later stage asks
 * where a field is (for a diagnostic), which is rare. The cache names the build of kgr that wrote it (the jar's size
 * and time, or the classes' times); another build, another format or a damaged file reads as empty. It holds what
 * the repository holds (manifests name Secrets, never their values), readable by its owner only.
 */
public final class ManifestCache {
    private static final int FORMAT = 3;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String BUILD = build();

    /** One document of a cached file: its index in the file, what kgr reads from it, and where it starts. */
    record Document(int index, String apiVersion, String kind, String name, JsonNode body, int line, int column) {
    }

    /** A file's bytes and the documents they held. */
    record Entry(byte[] content, List<Document> documents) {
    }

    private static final ManifestCache NONE = new ManifestCache(null);

    private final Path file;

    private ManifestCache(Path file) {
        this.file = file;
    }

    /** No cache (nothing read or written). */
    public static ManifestCache none() {
        return NONE;
    }

    /** The cache of one source (its location and path) under {@code directory}. */
    public static ManifestCache of(Path directory, String source) {
        return new ManifestCache(directory.resolve(".manifests").resolve(hex(sha256(source.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 24) + ".bin"));
    }

    boolean enabled() {
        return file != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManifestCache c && Objects.equals(file, c.file);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(file);
    }

    /** The entries stored, by path; empty when there are none or they are not this build's. */
    Map<String, Entry> read() {
        Map<String, Entry> out = new HashMap<>();
        if (file == null || !Files.isRegularFile(file)) return out;
        try {
            // read whole and decoded from memory: a stream's per-value calls cost more than the disk here
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            if (in.getInt() != FORMAT || !readString(in).equals(BUILD)) return out;
            int entries = in.getInt();
            for (int e = 0; e < entries; e++) {
                String path = readString(in);
                byte[] content = new byte[in.getInt()];
                in.get(content);
                int count = in.getInt();
                List<Document> documents = new ArrayList<>(count);
                for (int d = 0; d < count; d++) {
                    documents.add(new Document(in.getInt(), readString(in), readString(in), readString(in), readNode(in, 0),
                            in.getInt(), in.getInt()));
                }
                out.put(path, new Entry(content, documents));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return new HashMap<>(); // damaged or cut short: read the files instead
        }
    }

    /** Replaces the stored entries (written to a temporary file and moved into place: a reader never sees half). */
    void write(Map<String, Entry> entries) {
        if (file == null) return;
        try {
            Path dir = Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(dir, "manifests", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its defaults apply
                }
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                    out.writeInt(FORMAT);
                    writeString(out, BUILD);
                    out.writeInt(entries.size());
                    for (Map.Entry<String, Entry> e : entries.entrySet()) {
                        writeString(out, e.getKey());
                        out.writeInt(e.getValue().content().length);
                        out.write(e.getValue().content());
                        out.writeInt(e.getValue().documents().size());
                        for (Document d : e.getValue().documents()) {
                            out.writeInt(d.index());
                            writeString(out, d.apiVersion());
                            writeString(out, d.kind());
                            writeString(out, d.name());
                            writeNode(out, d.body());
                            out.writeInt(d.line());
                            out.writeInt(d.column());
                        }
                    }
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written only makes the next run slower
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    // node tags: the exact node types SafeYaml makes, so a cached tree equals a parsed one
    private static final int OBJECT = 1, ARRAY = 2, STRING = 3, LONG = 4, BIG_INTEGER = 5, DECIMAL = 6, TRUE = 7,
            FALSE = 8, NULL = 9, INT = 10, DOUBLE = 11;

    private static void writeNode(DataOutputStream out, JsonNode node) throws IOException {
        if (node.isObject()) {
            out.writeByte(OBJECT);
            out.writeInt(node.size());
            for (var e : node.properties()) {
                writeString(out, e.getKey());
                writeNode(out, e.getValue());
            }
        } else if (node.isArray()) {
            out.writeByte(ARRAY);
            out.writeInt(node.size());
            for (JsonNode item : node) writeNode(out, item);
        } else if (node.isString()) {
            out.writeByte(STRING);
            writeString(out, node.asString());
        } else if (node.isLong()) {
            out.writeByte(LONG);
            out.writeLong(node.longValue());
        } else if (node.isInt()) {
            out.writeByte(INT);
            out.writeInt(node.intValue());
        } else if (node.isBigInteger()) {
            out.writeByte(BIG_INTEGER);
            writeString(out, node.bigIntegerValue().toString());
        } else if (node.isBigDecimal()) {
            out.writeByte(DECIMAL);
            writeString(out, node.decimalValue().toString());
        } else if (node.isDouble()) {
            out.writeByte(DOUBLE);
            out.writeDouble(node.doubleValue());
        } else if (node.isBoolean()) {
            out.writeByte(node.booleanValue() ? TRUE : FALSE);
        } else if (node.isNull()) {
            out.writeByte(NULL);
        } else {
            throw new IOException("a " + node.getNodeType() + " node cannot be cached");
        }
    }

    private static JsonNode readNode(ByteBuffer in, int depth) throws IOException {
        if (depth > SafeYaml.MAX_DEPTH + 1) throw new IOException("nested too deeply");
        int tag = in.get();
        switch (tag) {
            case OBJECT -> {
                ObjectNode o = JSON.objectNode();
                int n = in.getInt();
                for (int i = 0; i < n; i++) {
                    String key = readString(in);
                    o.set(key, readNode(in, depth + 1));
                }
                return o;
            }
            case ARRAY -> {
                ArrayNode a = JSON.arrayNode();
                int n = in.getInt();
                for (int i = 0; i < n; i++) a.add(readNode(in, depth + 1));
                return a;
            }
            case STRING -> {
                return JSON.stringNode(readString(in));
            }
            case LONG -> {
                return JSON.numberNode(in.getLong());
            }
            case INT -> {
                return JSON.numberNode(in.getInt());
            }
            case BIG_INTEGER -> {
                return JSON.numberNode(new BigInteger(readString(in)));
            }
            case DECIMAL -> {
                return JSON.numberNode(new BigDecimal(readString(in)));
            }
            case DOUBLE -> {
                return JSON.numberNode(in.getDouble());
            }
            case TRUE -> {
                return JSON.booleanNode(true);
            }
            case FALSE -> {
                return JSON.booleanNode(false);
            }
            case NULL -> {
                return JSON.nullNode();
            }
            default -> throw new IOException("unknown node tag " + tag);
        }
    }

    /** Strings of any length (writeUTF stops at 64 KiB). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) throw new IOException("bad string length");
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** Which build of kgr this is: the jar's size and time, or the newest time among the classes and schemas. */
    private static String build() {
        try {
            Path code = Path.of(ManifestCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) return "jar " + Files.size(code) + " " + Files.getLastModifiedTime(code).toMillis();
            try (Stream<Path> all = Files.walk(code)) {
                long[] newest = {0, 0};
                all.filter(Files::isRegularFile).forEach(p -> {
                    newest[0] = Math.max(newest[0], p.toFile().lastModified());
                    newest[1]++;
                });
                return "classes " + newest[1] + " " + newest[0];
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown " + System.nanoTime(); // never matches a stored cache
        }
    }
}
