package io.qsvit.artifact;

import io.qsvit.Folders;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Exclusive use of an output folder while a step (or a whole {@code run}) writes it: an OS file lock on the
 * hidden file {@code .NAME.lock} beside the folder, and a lock object within this process. A second run into
 * the same folder fails at once, before any work, with one line. Holding the lock also proves that hidden
 * temporary folders a killed run left for this output are nobody's: they are swept.
 * <p>Lock files stay (empty, hidden), like the journals: deleting one while another process opens it would let
 * two runs hold "the" lock.
 */
public final class OutputLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    /** Folders this thread holds: a folder inside one of them (a run's step staging) needs no lock of its own. */
    private static final ThreadLocal<Set<Path>> HELD = ThreadLocal.withInitial(HashSet::new);

    private final Path folder;
    private final ReentrantLock local;
    private final FileChannel channel;

    private OutputLock(Path folder, ReentrantLock local, FileChannel channel) {
        this.folder = folder;
        this.local = local;
        this.channel = channel;
    }

    /** True when this thread already holds {@code folder} or a folder above it. */
    public static boolean covered(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        for (Path held : HELD.get()) {
            if (target.startsWith(held)) {
                return true;
            }
        }
        return false;
    }

    /** Takes the folder, or fails at once naming it as {@code shownAs} when another run holds it. */
    public static OutputLock acquire(Path folder, Path shownAs) {
        Path target = folder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new UserInputException("output " + shownAs + " cannot be the root folder");
        }
        Path lockFile = parent.resolve("." + target.getFileName() + ".lock");
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, f -> new ReentrantLock());
        if (!local.tryLock()) {
            throw busy(shownAs);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(parent);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw busy(shownAs);
            }
            HELD.get().add(target);
            return new OutputLock(target, local, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            if (e instanceof UserInputException user) {
                throw user;
            }
            throw new UserInputException("cannot write output folder " + shownAs + ": "
                    + (e instanceof IOException io ? ArtifactFolder.describe(io) : e.getMessage()));
        }
    }

    private static UserInputException busy(Path shownAs) {
        return new UserInputException("output folder " + shownAs + " is being written by another run; wait for it to "
                + "finish or choose another --out");
    }

    /**
     * Deletes the hidden folders beside the locked folder whose names {@code stale} accepts (temporary folders
     * of runs that were killed). Safe under the lock: a live run writing them would hold it.
     */
    public void sweep(Predicate<String> stale) {
        sweep(folder.getParent(), stale);
    }

    /** As {@link #sweep(Predicate)}, inside the locked folder (a run's own hidden step folders). */
    public void sweepInside(Predicate<String> stale) {
        if (Files.isDirectory(folder)) {
            sweep(folder, stale);
        }
    }

    private static void sweep(Path in, Predicate<String> stale) {
        List<Path> found;
        try (Stream<Path> entries = Files.list(in)) {
            found = entries.filter(p -> p.getFileName().toString().startsWith(".") && stale.test(p.getFileName().toString())
                    && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            return; // nothing to sweep where nothing can be listed
        }
        for (Path p : found) {
            try {
                Folders.deleteRecursively(p);
            } catch (UncheckedIOException e) {
                // tried again on the next run
            }
        }
    }

    @Override
    public void close() {
        HELD.get().remove(folder);
        try {
            channel.close(); // releases the file lock
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + folder, e);
        } finally {
            local.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing held through it
        }
    }
}
