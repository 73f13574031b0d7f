package dev.vinfer.runtime;

/**
 * The semantics of one node, ready to run: attributes already resolved and normalized by the importer, constant
 * operands (weights) already prepared.
 *
 * <p>Implementations must be safe to run from several threads at once (no mutable state per run) and must get
 * their output tensors from {@link OpContext#output}, which lets the session plan memory. Missing optional inputs
 * arrive as {@code null}.
 */
public interface Operator {

    /** The op's name as shown to people, e.g. {@code Conv}; fused ops say what they fused. */
    String opType();

    /** Computes the outputs from the inputs. */
    Tensor[] run(OpContext ctx, Tensor[] inputs);

    /** One line about how this op will run (algorithm, fused activation); empty when nothing to say. */
    default String describe() {
        return "";
    }
}
