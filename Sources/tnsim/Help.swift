import Foundation

/// The version `tnsim --version` prints.
let tnsimVersion = "0.17.0"

/// `tnsim help [COMMAND]`: a command's help, the overview, or with `--man` every command's help
/// as one manual page (troff, what `make install` puts in share/man/man1/tnsim.1).
@MainActor func help(_ args: [String]) -> Int32 {
  if args == ["--man"] {
    print(manPage, terminator: "")
    return 0
  }
  guard let name = args.first else {
    print(usage)
    return 0
  }
  guard args.count == 1, let command = commands.first(where: { $0.name == name }) else {
    let hint = ParsedArguments.nearest(name, among: commands.map(\.name)).map { "did you mean '\($0)'? " } ?? ""
    printError("tnsim help: unknown command '\(args.joined(separator: " "))'; \(hint)commands: \(commands.map(\.name).joined(separator: ", "))")
    return 2
  }
  print(command.help)
  return 0
}

/// Every command's help as a troff manual page, section 1.
var manPage: String {
  func escaped(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }.joined(separator: "\n")
  }
  var s = """
    .TH TNSIM 1 "" "tnsim \(tnsimVersion)" "User Commands"
    .SH NAME
    tnsim \\- a simulator of IBM's TrueNorth neuromorphic chip, with a Tea-learning trainer and a deployer
    .SH SYNOPSIS
    .B tnsim
    .I command
    [options]
    .br
    .B tnsim help
    .I command
    .br
    .B tnsim \\-\\-version
    .SH DESCRIPTION
    Chip definitions truenorth, ns1e, ns16e and tiny are built in; more are found in $TNSIM_CHIPDEFS.
    MNIST is read from \\-\\-data DIR, $TNSIM_DATA or the data/mnist folder of the tnsim checkout.
    .SH COMMANDS

    """
  for c in commands {
    s += ".SS \(c.name)\n.nf\n" + escaped(c.help) + "\n.fi\n"
  }
  s += ".SH SEE ALSO\nThe README and docs/ installed in share/doc/tnsim.\n"
  return s
}
