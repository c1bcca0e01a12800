package io.qsvit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one cache key, between threads and between processes. An OS file lock alone is not
 * enough: within one JVM a second lock on the same file throws instead of waiting, so threads first queue
 * on a lock object per lock file.
 */
final class KeyLock implements Cache.Lock {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;

    private KeyLock(ReentrantLock local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    /** Waits until this thread holds the key. */
    static KeyLock acquire(Path lockFile) throws IOException {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), f -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.lock(); // released when the channel closes
            return new KeyLock(local, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    @Override
    public void release() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a cache lock", e);
        } finally {
            local.unlock();
        }
    }
}
