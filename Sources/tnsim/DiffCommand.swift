import Foundation
import TrueNorth
import TrueNorthIO

let diffCommand = Command(
  name: "diff",
  summary: "Compare two spike outputs: identical, or the first differing spike and mismatch counts.",
  usage: "diff EXPECTED ACTUAL [--ticks N] [--by neuron|pin] [--json]",
  details: """
    EXPECTED and ACTUAL are output spike files of any supported format (tnsim CSV or binary, IBM RAWO6, RANC
    output text), detected from their content. Spikes compare by (tick, core, neuron), or by (tick, pin) when
    either file does not name neurons (RANC). Prints the first differing tick, core and neuron, the counts of
    missing spikes (in EXPECTED only) and extra spikes (in ACTUAL only) and the mismatches per core. Exit
    status 0 only when the outputs are identical. The files may be in any order: each is read whole and
    sorted. A RANC output text of N lines holds ticks 0..N-2 (line k is tick k - 2); without --ticks both
    files are compared over those ticks.
    """,
  options: [
    Option(name: "ticks", value: "N", help: "compare only ticks 0..N-1 (default: all, or those a RANC output holds)"),
    Option(name: "by", value: "neuron|pin", help: "what identifies a spike (default: neuron when both files name it)"),
    Option(name: "json", value: nil, help: "print the comparison as one JSON object"),
  ],
  run: { args in
    guard args.positional.count == 2 else {
      throw UsageError(allowed: "EXPECTED and ACTUAL", message: "expected EXPECTED and ACTUAL, got \(args.positional.count) arguments")
    }
    var matching: SpikeDiff.Matching?
    if let by = args.string("by") {
      guard let m = SpikeDiff.Matching(rawValue: by) else {
        throw UsageError(flag: "by", value: by, allowed: "neuron, pin", message: "'\(by)' is not allowed; use neuron or pin")
      }
      matching = m
    }
    let ticks = try args.int("ticks", in: 0...Int(UInt32.max)).map { 0..<Int64($0) }
    let diff = try SpikeDiff.compare(expected: args.positional[0], actual: args.positional[1], matching: matching, ticks: ticks)
    print(args.flag("json") ? diff.json : diff.report(expectedName: args.positional[0], actualName: args.positional[1]))
    return diff.identical ? 0 : 1
  })
