import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// Reads a trained network, naming the file in errors.
func loadNetwork(_ path: String) throws -> TrainedNetwork {
  try TrainedNetwork.read(from: path)
}

/// The deployment options shared by deploy, eval and sweep.
let deploymentOptions: [Option] = [
  Option(name: "chip", value: "CHIPDEF", help: "chip or board (default truenorth; ns16e when the copies need more than one chip)"),
  Option(name: "seed", value: "S", help: "seed of the synapse sampling, the input encoding and the chip (default 1)"),
  Option(name: "leak", value: "floor|round|dither", help: "how trained leak biases become integer leaks (default floor)"),
  Option(name: "no-shrink", value: nil, help: "keep the trained weight tables (default: shrink them to minimise variance)"),
  Option(name: "no-pack", value: nil, help: "one chip core per network core (default: drop unused axons and neurons, merge cores that fit)"),
  Option(name: "scale", value: "K", help: "multiply each neuron's weights and leak by up to K, raising its synapse probabilities (default 1)"),
]

func parseDeploymentOptions(_ args: ParsedArguments, copies: Int) throws -> DeploymentOptions {
  var o = DeploymentOptions()
  o.copies = copies
  o.seed = try args.uint64("seed") ?? 1
  if let l = args.string("leak") {
    guard let r = DeploymentOptions.LeakRounding(rawValue: l) else {
      throw InputError(file: "--leak", message: "'\(l)' is not allowed; use floor, round or dither")
    }
    o.leak = r
  }
  o.shrinkWeights = !args.flag("no-shrink")
  o.pack = !args.flag("no-pack")
  o.scale = try args.int("scale", in: 1...WeightTable.largestMagnitude) ?? 1
  return o
}

/// Per layer the removed axons, neurons and cores, and the chip cores per copy before and after
/// packing, as `deploy` prints them.
func packingSummary(_ network: ShadowNetwork, _ packing: CorePacking) -> String {
  let layerOf = network.layerOfCore
  var lines: [String] = []
  for l in network.topology.layers.indices {
    let ks = network.cores.indices.filter { layerOf[$0] == l }
    let axons = ks.reduce(0) { $0 + network.cores[$1].axons }, neurons = ks.reduce(0) { $0 + network.cores[$1].neurons }
    let liveAxons = ks.reduce(0) { $0 + packing.axonSlot[$1].filter { $0 >= 0 }.count }
    let liveNeurons = ks.reduce(0) { $0 + packing.neuronSlot[$1].filter { $0 >= 0 }.count }
    let cores = ks.filter { packing.binOf[$0] >= 0 }.count
    lines.append("layer \(l): \(liveAxons)/\(axons) axons, \(liveNeurons)/\(neurons) neurons, \(cores)/\(ks.count) cores in use")
  }
  let sizes = packing.binSizes().map { "\($0.axons)x\($0.neurons)" }.joined(separator: ", ")
  lines.append("cores per copy: \(network.cores.count) -> \(packing.coresPerCopy) after packing (axons x neurons per chip core: \(sizes))")
  return lines.joined(separator: "\n")
}

/// The chip a deployment of `copies` copies goes on: --chip, or truenorth, or ns16e when needed.
func deploymentChip(_ args: ParsedArguments, copies: Int, coresPerCopy: Int) throws -> ChipDefinition {
  if let c = args.string("chip") { return try ChipDefinition.resolve(c) }
  let one = try ChipDefinition.resolve("truenorth")
  let layer = [Int](repeating: 0, count: coresPerCopy)
  if Placement.blocks(copies: copies, coresPerCopy: coresPerCopy, layerOfCore: layer, chip: one) != nil { return one }
  return try ChipDefinition.resolve("ns16e")
}

let deployCommand = Command(
  name: "deploy",
  summary: "Sample a trained network into a chip model: N copies, integer weights, binary synapses.",
  usage: "deploy NET.json --copies N --output MODEL.json [--chip CHIPDEF] [--seed S] [--leak floor|round|dither] [--no-shrink] [--no-pack] [--scale K]",
  details: """
    Every synapse is drawn from its connection probability, each copy independently; neurons become memoryless
    McCulloch-Pitts neurons; layer outputs go to the next layer's axons with delay 1, the last layer to output
    pins (pin = copy * outputs + output). The model file is accepted by run, validate and info (docs/deployment.md).
    """,
  options: [
    Option(name: "copies", value: "N", help: "independent copies of the network (default 1)"),
    Option(name: "output", value: "MODEL", help: "the model file to write"),
    Option(name: "spf", value: "S", help: "accepted for symmetry with eval; a model does not depend on it"),
    Option(name: "data", value: "DIR", help: "MNIST folder for the deployment-variance report (default data/mnist)"),
  ] + deploymentOptions,
  run: { args in
    let path = try args.onePositional("NET.json")
    guard let output = args.string("output") else { throw InputError(file: "--output", message: "is required") }
    let copies = try args.int("copies", in: 1...65536) ?? 1
    _ = try args.int("spf", in: 1...1_000_000)
    let net = try loadNetwork(path)
    let options = try parseDeploymentOptions(args, copies: copies)
    let chip = try deploymentChip(args, copies: copies, coresPerCopy: CorePacking.coresPerCopy(net.network, options: options))
    let deployed = try DeployedNetwork(net, chip: chip, options: options)
    var model = deployed.model
    model.chipReference = args.string("chip") ?? chip.name
    try model.save(to: output)
    print("wrote \(output): \(copies) cop\(copies == 1 ? "y" : "ies") of \(net.network.topology.name), \(deployed.coresUsed) cores on \(chip.name), "
      + "\(model.cores.reduce(0) { $0 + $1.crossbar.synapseCount }) synapses, \(deployed.weightsShrunk) weight-table entries shrunk")
    print(packingSummary(net.network, deployed.packing))
    if let data = try? MNIST.load(directory: args.string("data") ?? MNIST.defaultDirectory) {
      var trained = deployed.options
      (trained.shrinkWeights, trained.scale) = (false, 1)
      let trainedTables = DeploymentVariance(net, images: data.test, options: trained).perLayer
      let deployedTables = DeploymentVariance(net, images: data.test, options: deployed.options).perLayer
      for l in trainedTables.indices {
        print("deployment variance per neuron, layer \(l): \(String(format: "%.3f", deployedTables[l])) (trained weight tables: \(String(format: "%.3f", trainedTables[l])); mean over 200 test images)")
      }
    }
    return 0
  })

let evalCommand = Command(
  name: "eval",
  summary: "Deploy a trained network and classify MNIST test images on the simulated chip.",
  usage: "eval NET.json --copies N --spf S [--images K] [--seed S] [--threads T] [--json] [--chip CHIPDEF] [--leak ...] [--no-shrink] [--no-pack] [--scale K]",
  details: """
    Prints the accuracy on the chip, cores used, ticks per image, spikes, synaptic events and energy per image,
    and the accuracy predicted from the shadow network without simulation (docs/deployment.md).
    """,
  options: [
    Option(name: "copies", value: "N", help: "independent copies of the network (default 1)"),
    Option(name: "spf", value: "S", help: "spikes (ticks) per frame (default 1)"),
    Option(name: "images", value: "K", help: "the first K test images (default all 10,000)"),
    Option(name: "data", value: "DIR", help: "MNIST folder (default data/mnist)"),
    Option(name: "threads", value: "T", help: "simulator threads (default all processors)"),
    Option(name: "json", value: nil, help: "print one JSON object"),
  ] + deploymentOptions,
  run: { args in
    let path = try args.onePositional("NET.json")
    let copies = try args.int("copies", in: 1...65536) ?? 1
    let spf = try args.int("spf", in: 1...1_000_000) ?? 1
    let net = try loadNetwork(path)
    let mnist = try MNIST.load(directory: args.string("data") ?? MNIST.defaultDirectory)
    let count = min(try args.int("images", in: 1...1_000_000) ?? mnist.test.count, mnist.test.count)
    let images = mnist.test.subset(0..<count)
    let options = try parseDeploymentOptions(args, copies: copies)
    let chip = try deploymentChip(args, copies: copies, coresPerCopy: CorePacking.coresPerCopy(net.network, options: options))
    let deployed = try DeployedNetwork(net, chip: chip, options: options)
    let bar = ProgressBar(label: "eval", enabled: !args.flag("json"))
    let r = try deployed.evaluate(images: images, spf: spf, seed: options.seed, threads: try args.int("threads", in: 1...1024) ?? 0) {
      done, total in bar.update(Double(done) / Double(total), "\(done)/\(total) images")
    }
    bar.finish()
    let predicted = AccuracyPrediction(network: net, images: images, seed: options.seed).accuracy(copies: copies, spf: spf, seed: options.seed)
    if args.flag("json") {
      print(EvaluationReport(evaluation: r, predicted: predicted, chip: chip.name).json)
    } else {
      print(EvaluationReport(evaluation: r, predicted: predicted, chip: chip.name).text)
    }
    return 0
  })

let sweepCommand = Command(
  name: "sweep",
  summary: "Evaluate every combination of copies x spf on the chip: CSV, Markdown table and SVG plots.",
  usage: "sweep NET.json --copies 1,2,4,8,16,32,64 --spf 1,2,4,8 --output DIR [--images K] [--threads T] [--seed S] [--leak ...] [--no-shrink] [--no-pack] [--scale K]",
  details: """
    Each result is appended to DIR/sweep.csv as soon as it finishes; run the same command again to resume an
    interrupted sweep without repeating finished points. At the end DIR/sweep.md holds the table and
    DIR/accuracy-vs-copies.svg and DIR/accuracy-vs-energy.svg the plots. Copies that need more than one chip go on
    an NS16e board.
    """,
  options: [
    Option(name: "copies", value: "LIST", help: "copies to try, comma-separated (default 1,2,4,8,16,32,64)"),
    Option(name: "spf", value: "LIST", help: "spikes per frame to try (default 1,2,4,8)"),
    Option(name: "output", value: "DIR", help: "folder for sweep.csv, sweep.md and the plots (required)"),
    Option(name: "images", value: "K", help: "the first K test images (default all 10,000)"),
    Option(name: "threads", value: "T", help: "points evaluated at once (default all processors; results do not depend on it)"),
  ] + deploymentOptions.filter { $0.name != "chip" },
  run: { args in
    let path = try args.onePositional("NET.json")
    guard let output = args.string("output") else { throw InputError(file: "--output", message: "is required") }
    var sweep = Sweep(
      networkPath: path, copies: try args.intList("copies", in: 1...65536) ?? [1, 2, 4, 8, 16, 32, 64],
      spf: try args.intList("spf", in: 1...1_000_000) ?? [1, 2, 4, 8], images: try args.int("images", in: 1...1_000_000) ?? 10_000,
      options: try parseDeploymentOptions(args, copies: 1), directory: output)
    sweep.threads = try args.int("threads", in: 1...1024) ?? 0
    let bar = ProgressBar(label: "sweep", quietSeconds: 0)
    let rows = try sweep.run { done, total, point in bar.update(Double(done) / Double(total), point) }
    bar.finish()
    let topology = try loadNetwork(path).network.topology.name
    try sweep.writeReports(rows, topology: topology)
    print(Sweep.markdown(rows, topology: topology), terminator: "")
    print("wrote \(sweep.csvPath), \(output)/sweep.md, \(output)/accuracy-vs-copies.svg, \(output)/accuracy-vs-energy.svg")
    return 0
  })
