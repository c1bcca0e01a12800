package io.qsvit.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.InputLimits;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An append-only log of finished work (one JSON line per entry: key, value, and the sha256 of both), so a
 * killed run resumes without redoing it. Each line is forced to disk before {@link #append} returns. On
 * open, a line whose checksum does not match (a torn last write, a corrupted disk block, a hand edit) is
 * reported and dropped, so that work is done again rather than trusted. One process at a time may hold a
 * journal: it is locked while open.
 */
public final class Journal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<String, JsonNode> entries;
    private final List<String> problems;

    private Journal(Path file, FileChannel channel, FileLock lock, Map<String, JsonNode> entries, List<String> problems) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.entries = entries;
        this.problems = problems;
    }

    public static Journal open(Path file) {
        FileChannel channel = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = lockOf(channel, file);
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            List<String> lines = lines(channel, file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                JsonNode entry = verified(line);
                if (entry == null) {
                    problems.add(file + " line " + (i + 1) + " is corrupted; its work will be done again");
                } else {
                    entries.put(entry.get("key").asText(), entry.get("value"));
                    kept.add(line);
                }
            }
            if (!problems.isEmpty() || (channel.size() > 0 && !endsWithNewline(channel))) {
                rewrite(channel, kept); // drop bad lines so later appends start on a clean line
            }
            channel.position(channel.size());
            return new Journal(file, channel, lock, entries, problems);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UserInputException("cannot use journal " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * The journal's lines, within {@link InputLimits#DOCUMENT_BYTES}; bytes that are not UTF-8 are decoded as
     * replacement characters, so such a line fails its checksum and is dropped like any corrupted one.
     */
    private static List<String> lines(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size > InputLimits.DOCUMENT_BYTES) {
            throw new UserInputException("journal " + file + " is " + size + " bytes, over the " + InputLimits.DOCUMENT_BYTES
                    + " a journal may have; remove it to start over");
        }
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) size);
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
            // read it all
        }
        String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the newline that ends the last line
        }
        return lines;
    }

    /** Messages about lines that were dropped when the journal was opened. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public Optional<JsonNode> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public <T> Optional<T> get(String key, Class<T> type) {
        return get(key).map(node -> JSON.convertValue(node, type));
    }

    public int size() {
        return entries.size();
    }

    /** Records a finished piece of work durably. */
    public synchronized void append(String key, Object value) {
        JsonNode node = JSON.valueToTree(value);
        ObjectNode line = JSON.createObjectNode();
        line.put("key", key);
        line.set("value", node);
        line.put("sha256", checksum(key, node));
        try {
            channel.write(ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            throw new UserInputException("cannot append to journal " + file + ": " + e.getMessage());
        }
        entries.put(key, node);
    }

    private static JsonNode verified(String line) {
        try {
            JsonNode entry = JSON.readTree(line);
            if (entry == null || !entry.hasNonNull("key") || !entry.has("value") || !entry.hasNonNull("sha256")) {
                return null;
            }
            String expected = checksum(entry.get("key").asText(), entry.get("value"));
            return expected.equals(entry.get("sha256").asText()) ? entry : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String checksum(String key, JsonNode value) {
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("key", key);
        both.put("value", value);
        return Digests.ofCanonicalJson(both);
    }

    private static FileLock lockOf(FileChannel channel, Path file) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
        } catch (OverlappingFileLockException e) {
            // held by this same process
        }
        throw new UserInputException("journal " + file + " is in use by another run");
    }

    private static boolean endsWithNewline(FileChannel channel) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, channel.size() - 1);
        return last.get(0) == '\n';
    }

    private static void rewrite(FileChannel channel, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UserInputException("cannot close journal " + file + ": " + e.getMessage());
        }
    }
}
