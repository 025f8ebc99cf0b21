import Foundation
import Deployment
import TeaLearning
import TrueNorth
import TrueNorthIO

let sweepCommand = Command(
  name: "sweep",
  summary: "Evaluate every combination of copies x spf of one or more networks on the chip: CSV, tables, plots, the Pareto front.",
  usage: "sweep NET.json [NET2.json ...] --copies 1,2,4,8,16,32,64 --spf 1,2,4,8 --output DIR [--images K] [--threads T] [--no-predict] [--seed S] [--leak ...] [--no-shrink] [--no-pack] [--scale K] [--inputs independent|shared|stratified] [--synapses independent|stratified]",
  details: """
    Each result is appended to DIR/sweep.csv (a plain CSV: the header, then one row per point) as soon as it
    finishes; run the same command again to resume an interrupted sweep without repeating finished points
    (DIR/sweep-settings.txt holds the settings a resumed sweep must share). At the end DIR/sweep.md holds the table and
    DIR/accuracy-vs-copies.svg and DIR/accuracy-vs-energy.svg the plots. Copies that need more than one chip go on
    an NS16e board. With several networks each gets that in DIR/NAME (NAME: its file name without .json or .json.gz).
    --no-predict leaves the predicted column empty and spends the time on the chip alone; a resumed sweep
    predicts only the points it runs.
    Every sweep also writes the accuracy-cost frontier over all its points: DIR/pareto.md (the points no other
    point beats: at least as accurate at no more cores, ticks and energy per image) and DIR/pareto-cores.svg,
    DIR/pareto-ticks.svg, DIR/pareto-energy.svg (accuracy against each cost, dominated points grey).
    """,
  options: [
    Option(name: "copies", value: "LIST", help: "copies to try, comma-separated (default 1,2,4,8,16,32,64)"),
    Option(name: "spf", value: "LIST", help: "spikes per frame to try (default 1,2,4,8)"),
    Option(name: "output", value: "DIR", help: "folder for sweep.csv, sweep.md and the plots (required)"),
    Option(name: "images", value: "K", help: "the first K test images (default all 10,000)"),
    Option(name: "threads", value: "T", help: "points evaluated at once (default all processors; results do not depend on it)"),
    Option(name: "data", value: "DIR", help: dataHelp),
    noPredictOption,
  ] + deploymentOptions.filter { $0.name != "chip" },
  run: { args in
    let paths = args.positional
    guard !paths.isEmpty else { throw UsageError(allowed: "one or more NET.json", message: "missing NET.json") }
    guard let output = args.string("output") else { throw InputError(file: "--output", message: "is required") }
    let copies = try args.intList("copies", in: 1...65536) ?? [1, 2, 4, 8, 16, 32, 64]
    let spf = try args.intList("spf", in: 1...1_000_000) ?? [1, 2, 4, 8]
    let images = try args.int("images", in: 1...10_000) ?? 10_000
    let options = try parseDeploymentOptions(args, copies: 1)
    let threads = try args.int("threads", in: 1...1024) ?? 0
    let data = try MNIST.locate(args.string("data"))
    let labels = sweepLabels(paths)
    var points: [Pareto.Point] = []
    for (path, label) in zip(paths, labels) {
      let directory = paths.count == 1 ? output : output + "/" + label
      var sweep = Sweep(networkPath: path, copies: copies, spf: spf, images: images, options: options, directory: directory)
      sweep.threads = threads
      sweep.dataDirectory = data
      sweep.predict = !args.flag("no-predict")
      let trained = try loadNetwork(path)
      sweep.trained = trained
      let bar = ProgressBar(label: paths.count == 1 ? "sweep" : "sweep \(label)", quietSeconds: 0)
      let rows = try worded { try sweep.run { done, total, point in bar.update(Double(done) / Double(total), point) } }
      bar.finish()
      let topology = trained.network.topology.name
      try sweep.writeReports(rows, topology: topology)
      if paths.count > 1 { print("## \(label)\n") }
      print(Sweep.markdown(rows, topology: topology), terminator: "")
      print("wrote \(sweep.csvPath), \(directory)/sweep.md, \(directory)/accuracy-vs-copies.svg, \(directory)/accuracy-vs-energy.svg")
      points += Pareto.points(rows, network: label)
    }
    try Pareto.write(points, to: output)
    print("\n## Pareto front\n\n" + Pareto.markdown(points), terminator: "")
    print("wrote \(output)/pareto.md, " + Pareto.Cost.allCases.map { "\(output)/\($0.fileName)" }.joined(separator: ", "))
    return 0
  })

/// A label per network file: its name without `.json` (or `.json.gz`), with `-2`, `-3` ... after a
/// repeated name.
func sweepLabels(_ paths: [String]) -> [String] {
  var labels: [String] = []
  for p in paths {
    var base = URL(fileURLWithPath: p).lastPathComponent
    if base.hasSuffix(".gz") { base.removeLast(3) }
    if base.hasSuffix(".json") { base.removeLast(5) }
    var label = base
    var n = 2
    while labels.contains(label) {
      label = "\(base)-\(n)"
      n += 1
    }
    labels.append(label)
  }
  return labels
}
