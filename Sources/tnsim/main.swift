import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// Every subcommand, in the order `tnsim --help` lists them.
let commands: [Command] = [runCommand, validateCommand, infoCommand, generateCommand, trainCommand, ensembleCommand, histogramCommand, deployCommand, evalCommand, encodeCommand, sweepCommand, benchCommand, convertCommand, diffCommand]

let usage = """
  tnsim: a simulator of IBM's TrueNorth neuromorphic chip, with a Tea-learning trainer and a deployer.

  Usage: tnsim <command> [options]     (tnsim help <command> or tnsim <command> --help for its options)
         tnsim --version

  Commands:
  \(commands.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))
  """

@MainActor func main() -> Int32 {
  let args = Array(CommandLine.arguments.dropFirst())
  if let code = runAcrossRanks(args) { return code }  // under mpirun with the MPI engine (MPIEngine.swift)
  guard let name = args.first, name != "--help", name != "-h" else {
    print(usage)
    return args.isEmpty ? 2 : 0
  }
  if name == "--version" || name == "version" {
    print("tnsim \(tnsimVersion)")
    return 0
  }
  if name == "help" { return help(Array(args.dropFirst())) }
  guard let command = commands.first(where: { $0.name == name }) else {
    let hint = ParsedArguments.nearest(name, among: commands.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
    printError("tnsim: unknown command '\(name)'; \(hint)see tnsim --help\n\n" + usage)
    return 2
  }
  let rest = Array(args.dropFirst())
  if rest.contains("--help") || rest.contains("-h") {
    print(command.help)
    return 0
  }
  do {
    return try command.run(try ParsedArguments(rest, options: command.options))
  } catch let error as UsageError {
    printError("tnsim \(name): \(error)")
    return 1
  } catch let error as InputError {
    // The library asks for MNIST's folder in words; the command line names its flag.
    printError("tnsim \(name): " + error.description.replacingOccurrences(of: MNIST.folderAdvice, with: "give --data DIR"))
    return 1
  } catch let error as SimulationError {
    printError("tnsim \(name): " + describe(error))
    return 1
  } catch {
    printError("tnsim \(name): \(error)")
    return 1
  }
}

/// The command line's wording of a simulation error: the flag or file it comes from.
func describe(_ error: SimulationError) -> String {
  switch error {
  case .modelDoesNotFit(let v): return "model: \(v.location): \(v.description)"
  case .deadlineMiss(let miss): return "--strict: \(miss.description)"
  case .rejectedInput: return "input: \(error.description)"
  }
}

exit(main())
