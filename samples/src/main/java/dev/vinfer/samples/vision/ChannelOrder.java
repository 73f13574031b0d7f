package dev.vinfer.samples.vision;

/** Which colour channels a model takes, in which order. */
public enum ChannelOrder {
    RGB(3), BGR(3), GREY(1);

    private final int channels;

    ChannelOrder(int channels) {
        this.channels = channels;
    }

    /** Number of channels in the tensor (3 or 1). */
    public int channels() {
        return channels;
    }
}
