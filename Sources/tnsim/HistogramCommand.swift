import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

let histogramCommand = Command(
  name: "histogram",
  summary: "Histogram of the connection probabilities of trained networks (table and SVG).",
  usage: "histogram NET.json [NET2.json ...] [--bins N] [--output FILE.svg] [--title TEXT]",
  details: """
    Prints, per bin of [0, 1], the share of each network's connection probabilities (Markdown), and with
    --output writes the same as an SVG line chart, one line per network: e.g. a network before and after
    probability-biased regularisation (docs/plugins.md).
    """,
  options: [
    Option(name: "bins", value: "N", help: "equal bins over [0, 1] (default 20)"),
    Option(name: "output", value: "FILE.svg", help: "write the chart here (atomically)"),
    Option(name: "title", value: "TEXT", help: "the chart's title"),
  ],
  run: { args in
    guard !args.positional.isEmpty else { throw InputError(file: "NET.json", message: "give at least one trained network file") }
    let bins = try args.int("bins", in: 1...1000) ?? 20
    var networks: [(name: String, network: ShadowNetwork)] = []
    for path in args.positional { networks.append(((path as NSString).lastPathComponent, try loadNetwork(path).network)) }
    let h = ConnectionHistogram(networks, bins: bins)
    print(h.markdown, terminator: "")
    if let output = args.string("output") {
      try writeFileAtomically(Array(h.svg(title: args.string("title") ?? "Connection probabilities").utf8), to: output)
      print("wrote \(output)")
    }
    return 0
  })
