package io.qsvit.eval.data;

import io.qsvit.eval.events.EventFiles.Events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes events as tonic saves them: a NumPy structured array, here in tonic's dtype or a shuffled one. */
final class TonicEvents {
    private TonicEvents() {
    }

    /** tonic's own dtype: x, y int16, t int64, p bool (little-endian). */
    static byte[] tonic(Events e) {
        ByteBuffer data = ByteBuffer.allocate(13 * e.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < e.size(); i++) {
            data.putShort((short) e.x()[i]).putShort((short) e.y()[i]).putLong(e.t()[i]).put((byte) e.p()[i]);
        }
        return NpyFiles.npy(1, "{'descr': [('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '|b1')], 'fortran_order':"
                + " False, 'shape': (" + e.size() + ",), }", data.array());
    }

    /** Another field order, big-endian time, unsigned coordinates, a padding field and an extra field. */
    static byte[] shuffled(Events e) {
        ByteBuffer data = ByteBuffer.allocate(19 * e.size());
        for (int i = 0; i < e.size(); i++) {
            data.order(ByteOrder.BIG_ENDIAN).putLong(e.t()[i]).put((byte) e.p()[i]).put(new byte[2]);
            data.order(ByteOrder.LITTLE_ENDIAN).putShort((short) e.x()[i]).putShort((short) e.y()[i]).putInt(-i);
        }
        return NpyFiles.npy(1, "{'descr': [('t', '>i8'), ('p', '|u1'), ('', '|V2'), ('x', '<u2'), ('y', '<u2'),"
                + " ('id', '<i4')], 'fortran_order': False, 'shape': (" + e.size() + ",), }", data.array());
    }
}
