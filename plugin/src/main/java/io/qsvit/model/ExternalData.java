package io.qsvit.model;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensor data stored outside the protobuf (ONNX external data: "location", "offset", "length" entries, the
 * location relative to the model's folder). Needed for models over the 2 GiB protobuf limit.
 */
public record ExternalData(Path file, String location, long offset, long length) {

    public static boolean isExternal(TensorProto tensor) {
        return tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * Where a tensor's external data lies, checked to be a regular file inside the model's folder (by its real
     * path: no link leads out, see {@link ExternalFiles}) and to be long enough.
     */
    public static ExternalData of(TensorProto tensor, Path folder, Path model) {
        String location = null;
        long offset = 0;
        long length = -1;
        boolean lengthGiven = false;
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = parseLong(entry.getValue(), tensor, model);
                case "length" -> {
                    length = parseLong(entry.getValue(), tensor, model);
                    lengthGiven = true;
                }
                default -> { } // "checksum" and future keys do not change where the bytes are
            }
        }
        if (location == null || location.isEmpty()) {
            throw new UserInputException(model + ": tensor '" + tensor.getName() + "' is external but names no location");
        }
        if (offset < 0 || (lengthGiven && length < 0)) {
            throw new UserInputException(model + ": tensor '" + tensor.getName() + "' has a negative external data "
                    + (offset < 0 ? "offset (" + offset + ")" : "length (" + length + ")"));
        }
        long expected = TensorShapes.byteSize(tensor);
        if (lengthGiven && length != expected) {
            throw new UserInputException(model + ": tensor '" + tensor.getName() + "' has " + length
                    + " bytes of external data where its type and shape need " + expected);
        }
        Path file = ExternalFiles.inside(folder, location, "external data file '" + location + "' of tensor '"
                + tensor.getName() + "'", model);
        long size = ExternalFiles.size(file, model);
        if (expected > size - offset) { // the file is inside the folder: its size may be said
            throw new UserInputException(model + ": external data file '" + location + "' is too short for tensor '"
                    + tensor.getName() + "': it needs " + expected + " bytes at offset " + offset + ", the file has " + size);
        }
        return new ExternalData(file, location, offset, expected);
    }

    static void check(TensorProto tensor, Path folder, Path model) {
        if (isExternal(tensor)) {
            of(tensor, folder, model);
        }
    }

    /** Reads the bytes, little-endian as ONNX stores them. */
    public ByteBuffer read() {
        if (length > Integer.MAX_VALUE - 8) {
            throw new UserInputException("tensor data of " + length + " bytes in '" + location
                    + "' exceeds what one Java array can hold");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offset;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new UserInputException("external data file '" + location + "' ended early");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read external data file '" + location + "': " + e.getMessage());
        }
        return buffer.flip();
    }

    private static long parseLong(String value, TensorProto tensor, Path model) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UserInputException(model + ": tensor '" + tensor.getName() + "' has external data entry '"
                    + value + "' that is not a number");
        }
    }
}
