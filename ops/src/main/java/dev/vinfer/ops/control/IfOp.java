package dev.vinfer.ops.control;

import dev.vinfer.runtime.ExecutionException;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;

/**
 * If: runs one of two closed subgraphs. Input 0 is the condition; the rest are the outer values the branches
 * read, which both branch graphs take as their inputs in the same order.
 */
public final class IfOp implements Operator {
    private final Graph thenBranch;
    private final Graph elseBranch;

    public IfOp(Graph thenBranch, Graph elseBranch) {
        this.thenBranch = thenBranch;
        this.elseBranch = elseBranch;
    }

    @Override
    public String opType() {
        return "If";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor cond = inputs[0];
        if (cond.size() != 1) {
            throw new ExecutionException("If condition must hold one element, got " + cond);
        }
        Graph branch = cond.getBool(0) ? thenBranch : elseBranch;
        return ctx.runSubgraph(branch, Arrays.copyOfRange(inputs, 1, inputs.length));
    }
}
