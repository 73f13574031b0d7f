package dev.vinfer.cli;

import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.OperatorTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code vinfer ops}: the operators vinfer supports, with domain and opset range. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "List supported operators (op, domain, opsets, notes). The full table is docs/operators.md.")
final class OpsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(OperatorTable.plain(OpRegistry.standard()));
        System.out.println(OpRegistry.standard().entries().size() + " operators");
        return 0;
    }
}
