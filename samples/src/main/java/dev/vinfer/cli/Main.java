package dev.vinfer.cli;

import dev.vinfer.runtime.VinferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vinfer} command: run, inspect, test and benchmark ONNX models. */
@Command(name = "vinfer", mixinStandardHelpOptions = true, version = "vinfer 0.1.0",
        description = "Pure-Java inference for ONNX convolutional networks.",
        subcommands = {
            RunCommand.class,
            InfoCommand.class,
            TestCommand.class,
            QuantizeCommand.class,
            OpsCommand.class,
            ClassifyCommand.class,
            DetectCommand.class,
            LandmarksCommand.class,
            BenchCommand.class,
            ProfileCommand.class,
            GraphCommand.class,
            Segment3dCommand.class,
            StylizeCommand.class,
            VerifyCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main {

    /** Exit code for a user error (bad model, bad file, bad arguments). */
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof VinferException || ex instanceof IOException || ex instanceof UncheckedIOException
                    || ex instanceof IllegalArgumentException || ex instanceof UserError) {
                cmd.getErr().println("vinfer: " + oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
                return USER_ERROR;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("vinfer: " + ex.getMessage());
            ex.getCommandLine().getErr().println("(see vinfer " + ex.getCommandLine().getCommandName()
                    + " --help)");
            return USER_ERROR;
        });
        return cl.execute(args);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    /** An error in what the user asked for; printed as one line, exit code 2. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }
}
