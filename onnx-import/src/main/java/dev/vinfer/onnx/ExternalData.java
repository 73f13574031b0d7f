package dev.vinfer.onnx;

import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor data stored beside a model file ({@code data_location = EXTERNAL}).
 *
 * <p>A model from the internet chooses these paths, so they are confined to the model's folder: absolute paths,
 * {@code ..} segments and symbolic links that resolve outside the folder are refused (the path-traversal CVEs
 * of other runtimes). Offsets and lengths are checked against the file before reading; data is memory-mapped, so
 * files past 2 GiB work.
 */
public final class ExternalData {
    private final Path baseDir;
    private final long maxBytes;
    private long bytesRead;

    public ExternalData(Path baseDir, long maxBytes) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /** The bytes of {@code p}'s data, exactly {@code expectedBytes} long. */
    public synchronized ByteBuffer read(TensorProto p, long expectedBytes) {
        String what = "tensor '" + p.getName() + "'";
        String location = TensorProtos.externalKey(p, "location");
        if (location == null || location.isEmpty()) {
            throw new ModelException(what + ": external data without a location");
        }
        Path file = confine(location, what);
        long offset = parseLong(TensorProtos.externalKey(p, "offset"), 0, what, "offset");
        String lenText = TensorProtos.externalKey(p, "length");
        long length = parseLong(lenText, expectedBytes, what, "length");
        if (length != expectedBytes) {
            throw new ModelException(what + ": external length " + length + " but the shape needs " + expectedBytes
                    + " bytes");
        }
        if (bytesRead + length > maxBytes) {
            throw new ModelException(what + ": external data exceeds the limit of " + maxBytes + " bytes");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset < 0 || offset > size || length > size - offset) {
                throw new ModelException(what + ": external data at offset " + offset + " length " + length
                        + " lies outside '" + location + "' (" + size + " bytes)");
            }
            if (length > Integer.MAX_VALUE - 16) {
                throw new ModelException(what + ": " + length + " bytes is more than one tensor can hold");
            }
            bytesRead += length;
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
        } catch (IOException e) {
            throw new ModelException(what + ": cannot read external data '" + location + "': " + e.getMessage(), e);
        }
    }

    private Path confine(String location, String what) {
        Path rel;
        try {
            rel = Path.of(location);
        } catch (RuntimeException e) {
            throw new ModelException(what + ": invalid external data path '" + location + "'");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.contains(":")) {
            throw new ModelException(what + ": external data path '" + location
                    + "' is absolute; it must be relative to the model's folder");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new ModelException(what + ": external data path '" + location
                        + "' leaves the model's folder");
            }
        }
        Path file = baseDir.resolve(rel).normalize();
        try {
            Path realBase = baseDir.toRealPath();
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                throw new ModelException(what + ": external data file '" + location + "' not found in " + baseDir);
            }
            Path real = file.toRealPath();
            if (!real.startsWith(realBase)) {
                throw new ModelException(what + ": external data path '" + location
                        + "' resolves outside the model's folder");
            }
            if (!Files.isRegularFile(real)) {
                throw new ModelException(what + ": external data '" + location + "' is not a regular file");
            }
            return real;
        } catch (IOException e) {
            throw new ModelException(what + ": cannot resolve external data '" + location + "': " + e.getMessage(), e);
        }
    }

    private static long parseLong(String s, long dflt, String what, String key) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ModelException(what + ": external data " + key + " '" + s + "' is not a number");
        }
    }
}
