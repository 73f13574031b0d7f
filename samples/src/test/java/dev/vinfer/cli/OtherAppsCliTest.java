package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.samples.volume.NiftiHeader;
import dev.vinfer.samples.volume.NiftiVolume;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment3d, stylize and verify commands end to end: files written, one-line errors with exit code 2. */
class OtherAppsCliTest {
    @TempDir
    Path tmp;

    private static CliResult run(String... args) {
        return CliResult.execute(args);
    }

    @Test
    void segment3dWritesLabelsAndPicture() throws Exception {
        // A 40 x 48 x 32 block of the sample brain, written as int16 to exercise another datatype.
        NiftiVolume v = NiftiVolume.read(SharedData.require("models/meshnet-brain/t1_crop.nii.gz"));
        int nx = 40;
        int ny = 48;
        int nz = 32;
        short[] block = new short[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    block[(z * ny + y) * nx + x] = (short) v.data()[((110 + z) * 256 + 100 + y) * 256 + 108 + x];
                }
            }
        }
        Path in = tmp.resolve("block.nii.gz");
        NiftiVolume.write(in, NiftiHeader.create(nx, ny, nz, NiftiHeader.INT16), block);
        Path out = tmp.resolve("out/labels.nii.gz");
        Path png = tmp.resolve("out/slices.png");
        CliResult r = run("segment3d", "--model", SharedData.require("models/meshnet-brain/meshnet_gwm.onnx").toString(),
                in.toString(), "--out", out.toString(), "--png", png.toString(), "--threads", "2", "--labels",
                "background,white matter,grey matter");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("streamed slice by slice"), r.out());
        assertTrue(r.out().contains("white matter"), r.out());
        NiftiVolume labels = NiftiVolume.read(out);
        assertEquals(NiftiHeader.UINT8, labels.header().datatype());
        assertEquals(nx * ny * nz, labels.data().length);
        long grey = 0;
        long white = 0;
        for (float f : labels.data()) {
            grey += f == 2 ? 1 : 0;
            white += f == 1 ? 1 : 0;
        }
        assertTrue(grey > 0 && white > 0, "a block from the middle of the brain has both tissues");
        // Axial and coronal views are nx wide, the sagittal one ny, with 8-pixel gaps around them.
        assertEquals(4 * 8 + nx + nx + ny, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void segment3dUserErrorsAreOneLine() throws Exception {
        Path model = SharedData.require("models/meshnet-brain/meshnet_gwm.onnx");
        Path junk = tmp.resolve("junk.nii");
        Files.write(junk, new byte[500]);
        CliResult r = run("segment3d", "--model", model.toString(), junk.toString(), "--out", tmp.resolve("x.nii")
                .toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vinfer: ") && r.err().strip().lines().count() == 1, r.err());
        assertTrue(r.err().contains("not a NIfTI-1"), r.err());
        r = run("segment3d", "--model", model.toString(), tmp.resolve("missing.nii.gz").toString(), "--out",
                tmp.resolve("x.nii").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().lines().count() == 1, r.err());
    }

    @Test
    void verifySameAndNoFace() throws Exception {
        String d = SharedData.require("models/ultraface/version-RFB-320.onnx").toString();
        String m = SharedData.require("models/mediapipe-face-landmark/face_landmark_barracuda.onnx").toString();
        String e = SharedData.require("models/mobilefacenet/MobileFaceNet.onnx").toString();
        Path astronaut = SharedData.require("images/astronaut.png");
        java.awt.image.BufferedImage img = ImageIO.read(astronaut.toFile());
        java.awt.image.BufferedImage mirrored = new java.awt.image.BufferedImage(img.getWidth(), img.getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = mirrored.createGraphics();
        g.drawImage(img, img.getWidth(), 0, -img.getWidth(), img.getHeight(), null);
        g.dispose();
        Path copy = tmp.resolve("mirrored.png");
        ImageIO.write(mirrored, "png", copy.toFile());
        CliResult r = run("verify", "--detector", d, "--mesh", m, "--embedder", e, astronaut.toString(), copy.toString(),
                "--json", "--threads", "2", "--save-crops", tmp.resolve("crops").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"same\": true"), r.out());
        assertEquals(112, ImageIO.read(tmp.resolve("crops/b.png").toFile()).getWidth());

        r = run("verify", "--detector", d, "--mesh", m, "--embedder", e, astronaut.toString(),
                SharedData.require("images/chelsea.png").toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().startsWith("vinfer: no face in ") && r.err().strip().lines().count() == 1, r.err());

        r = run("verify", "--detector", d, "--mesh", m, "--embedder", e, astronaut.toString(), copy.toString(),
                "--threshold", "3");
        assertEquals(2, r.code());
    }

    @Test
    void stylizeKeepsTheImageSize() throws Exception {
        Path out = tmp.resolve("styled.png");
        CliResult r = run("stylize", "--model", SharedData.require("models/fast-neural-style/candy.onnx").toString(),
                SharedData.require("images/chelsea.png").toString(), "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("720 x 720 (BGR)"), r.out());
        java.awt.image.BufferedImage styled = ImageIO.read(out.toFile());
        assertEquals(451, styled.getWidth());
        assertEquals(300, styled.getHeight());
        r = run("stylize", "--model", SharedData.require("models/fast-neural-style/candy.onnx").toString(),
                SharedData.require("images/chelsea.png").toString(), "--out", out.toString(), "--channels", "yuv");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--channels"), r.err());
    }
}
