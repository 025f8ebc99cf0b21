import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// Reads a trained network, naming the file in errors.
func loadNetwork(_ path: String) throws -> TrainedNetwork {
  try TrainedNetwork.read(from: path)
}

/// eval's and sweep's choice to skip the prediction.
let noPredictOption = Option(name: "no-predict", value: nil, help: "skip the predicted accuracy (often longer than classifying)")

/// The deployment options shared by deploy, eval and sweep.
let deploymentOptions: [Option] = [
  Option(name: "chip", value: "CHIPDEF", help: "chip or board (default truenorth; ns16e when the copies need more than one chip)"),
  Option(name: "seed", value: "S", help: "seed of the synapse sampling, the input encoding and the chip (default 1)"),
  Option(name: "leak", value: "floor|round|dither", help: "how trained leak biases become integer leaks (default floor)"),
  Option(name: "no-shrink", value: nil, help: "keep the trained weight tables (default: shrink them to minimise variance)"),
  Option(name: "no-pack", value: nil, help: "one chip core per network core (default: drop unused axons and neurons, merge cores that fit)"),
  Option(name: "scale", value: "K", help: "multiply each neuron's weights and leak by up to K, raising its synapse probabilities (default 1)"),
  Option(name: "inputs", value: "independent|shared|stratified", help: "each copy draws its own input spikes, all copies get the same ones, or their own stratified across the copies (default independent)"),
  Option(name: "synapses", value: "independent|stratified", help: "each copy draws its synapses alone, or stratified across the copies (default independent)"),
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
  if let i = args.string("inputs") {
    guard let s = InputSampling(rawValue: i) else {
      throw InputError(file: "--inputs", message: "'\(i)' is not allowed; use independent, shared or stratified")
    }
    o.inputs = s
  }
  if let v = args.string("synapses") {
    guard let s = SynapseSampling(rawValue: v) else {
      throw InputError(file: "--synapses", message: "'\(v)' is not allowed; use independent or stratified")
    }
    o.synapses = s
  }
  return o
}

/// How `deploy` describes the copies' input spikes.
func inputWording(_ sampling: InputSampling) -> String {
  switch sampling {
  case .independent: "each copy drawing its own input spikes"
  case .shared: "input spikes shared by the copies"
  case .stratified: "each copy drawing its own input spikes, stratified across the copies"
  }
}

/// A deployment error as the command line words it: the library's description, with the flag
/// that remedies it where there is one; file and simulator errors are rethrown as themselves.
struct DeploymentFailure: Error, CustomStringConvertible {
  var description: String
}

/// Runs `body`, turning a `DeploymentError` into the command line's wording.
func worded<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as DeploymentError {
    switch error {
    case .input(let e): throw e
    case .simulation(let e): throw e
    case .copiesDoNotFit: throw DeploymentFailure(description: "\(error); use a board such as --chip ns16e")
    case .sweepSettingsDiffer: throw DeploymentFailure(description: "\(error); use another --output folder or delete it")
    case .spfOutOfRange: throw DeploymentFailure(description: "--spf: \(error)")
    default: throw error
    }
  }
}

let deployCommand = Command(
  name: "deploy",
  summary: "Sample a trained network into a chip model: N copies, integer weights, binary synapses.",
  usage: "deploy NET.json --copies N --output MODEL.json [--spf S] [--chip CHIPDEF] [--seed S] [--leak floor|round|dither] [--no-shrink] [--no-pack] [--scale K] [--inputs independent|shared|stratified] [--synapses independent|stratified]",
  details: """
    Every synapse is drawn from its connection probability, each copy independently; neurons become memoryless
    McCulloch-Pitts neurons; layer outputs go to the next layer's axons with delay 1, the last layer to output
    pins (pin = copy * outputs + output). The model file is accepted by run, validate and info (docs/deployment.md).
    Beside it, MODEL.manifest.json records the readout, the input encoding and the settings
    (docs/deployed-format.md): eval MODEL.json classifies with it and encode writes input spikes for run.
    """,
  options: [
    Option(name: "copies", value: "N", help: "independent copies of the network (default 1)"),
    Option(name: "output", value: "MODEL", help: "the model file to write (and MODEL.manifest.json beside it)"),
    Option(name: "spf", value: "S", help: "recorded in the manifest as the default of eval and encode; a model does not depend on it"),
    Option(name: "data", value: "DIR", help: "MNIST folder for the deployment-variance report; " + dataHelp),
  ] + deploymentOptions,
  run: { args in
    let path = try args.onePositional("NET.json")
    guard let output = args.string("output") else { throw InputError(file: "--output", message: "is required") }
    let copies = try args.int("copies", in: 1...65536) ?? 1
    let spf = try args.int("spf", in: 1...1_000_000)
    let net = try loadNetwork(path)
    try DeployedNetwork.checkReadsMNIST(net, file: path)
    let options = try parseDeploymentOptions(args, copies: copies)
    let chip = try DeployedNetwork.chip(named: args.string("chip"), for: net.network, options: options)
    let deployed = try worded { try DeployedNetwork(net, chip: chip, options: options) }
    let manifest = try deployed.save(to: output, chipReference: args.string("chip") ?? chip.name, network: path, spf: spf)
    print("wrote \(output): \(copies) cop\(copies == 1 ? "y" : "ies") of \(net.network.topology.name), \(deployed.coresUsed) cores on \(chip.name), "
      + "\(deployed.model.cores.reduce(0) { $0 + $1.crossbar.synapseCount }) synapses, \(deployed.weightsShrunk) weight-table entries shrunk")
    print(PackingSummary(net.network, deployed.packing))
    if let test = try? MNIST.loadTest(locating: args.string("data")) {
      print(VarianceReport(net, images: test, options: deployed.options))
    }
    print("wrote \(DeploymentManifest.path(forModel: output)): readout of \(manifest.readout.pinClass.count) pins, "
      + "\(manifest.encoding.axons.first?.count ?? 0) input axons per copy, encoding seed \(manifest.encoding.seed), "
      + inputWording(manifest.encoding.sampling)
      + (manifest.options.synapses == .stratified ? ", synapses stratified across the copies" : ""))
    return 0
  })

let evalCommand = Command(
  name: "eval",
  summary: "Classify MNIST test images on the simulated chip: a trained network deployed now, or a deployed model.",
  usage: "eval NET.json|MODEL.json --copies N --spf S [--images K] [--first N] [--seed S | --seeds LIST] [--threads T] [--json] [--predictions FILE] [--no-predict] [--chip CHIPDEF] [--leak ...] [--no-shrink] [--no-pack] [--scale K] [--inputs independent|shared|stratified] [--synapses independent|stratified]",
  details: """
    Prints the accuracy on the chip, cores used, ticks per image, spikes, synaptic events and energy per image,
    and the accuracy predicted from the shadow network without simulation (docs/deployment.md).
    A model written by deploy (detected by MODEL.manifest.json beside it) is classified without redeploying,
    with the settings it was deployed with: the same figures as eval NET.json with those settings; --seed
    defaults to the deployment's seed and --spf to the one given to deploy (docs/deployed-format.md).
    With --seeds the same configuration is deployed and classified once per seed, and the mean, lowest,
    highest and standard deviation of the accuracies are printed after each seed's line (a deployed
    model keeps its synapses: each seed draws its input spikes and the chip's random numbers).
    """,
  options: [
    Option(name: "copies", value: "N", help: "independent copies of the network (default 1)"),
    Option(name: "spf", value: "S", help: "spikes (ticks) per frame (default 1)"),
    Option(name: "images", value: "K", help: "K test images (default all 10,000)"),
    Option(name: "first", value: "N", help: "start at test image N (default 0)"),
    Option(name: "data", value: "DIR", help: dataHelp),
    Option(name: "threads", value: "T", help: "simulator threads (default all processors)"),
    Option(name: "json", value: nil, help: "print one JSON object"),
    Option(name: "predictions", value: "FILE", help: "write the class read out for each image: CSV image,label,class"),
    Option(name: "seeds", value: "LIST", help: "classify once per seed, e.g. 1-5 or 1,2,7, and print the spread (instead of --seed)"),
    noPredictOption,
  ] + deploymentOptions,
  run: { args in
    let path = try args.onePositional("NET.json")
    let seeds = try args.seedList("seeds")
    if seeds != nil {
      if args.string("seed") != nil { throw InputError(file: "--seeds", message: "give --seed or --seeds, not both") }
      if args.string("predictions") != nil {
        throw InputError(file: "--predictions", message: "writes one seed's classes; give it with --seed, not --seeds")
      }
    }
    let images = try testImages(args, try MNIST.loadTest(locating: args.string("data")))
    let threads = try args.int("threads", in: 1...1024) ?? 0
    // The prediction draws its pool through the shadow network: often longer than classifying.
    let predictBar = ProgressBar(label: "predict", enabled: !args.flag("json"))
    let predicting: (Int, Int) -> Void = { done, total in predictBar.update(Double(done) / Double(total), "\(done)/\(total) images") }
    // What one seed's classification needs: the configuration, fixed before the first seed.
    let classify: (UInt64, @escaping (Int, Int) -> Void) throws -> ChipEvaluation
    let predict: (UInt64) -> Double?, chip: String, firstSeed: UInt64
    if DeployedModel.isDeployed(path) {
      let deployed = try DeployedModel(path: path)
      try refuseRedeployment(args, deployed.manifest)
      let spf = try args.int("spf", in: 1...1_000_000) ?? deployed.manifest.spf ?? 1
      firstSeed = try args.uint64("seed") ?? deployed.manifest.encoding.seed
      classify = { seed, progress in try worded { try deployed.evaluate(images: images, spf: spf, seed: seed, threads: threads, progress: progress) } }
      predict = { seed in
        deployed.network().map {
          AccuracyPrediction(network: $0, images: images, inputs: deployed.manifest.options.inputs, seed: seed)
            .accuracy(copies: deployed.manifest.options.copies, spf: spf, seed: seed, progress: predicting)
        }
      }
      chip = deployed.model.chip.name
    } else {
      let copies = try args.int("copies", in: 1...65536) ?? 1
      let spf = try args.int("spf", in: 1...1_000_000) ?? 1
      let net = try loadNetwork(path)
      try DeployedNetwork.checkReadsMNIST(net, file: path)
      let options = try parseDeploymentOptions(args, copies: copies)
      let definition = try DeployedNetwork.chip(named: args.string("chip"), for: net.network, options: options)
      firstSeed = options.seed
      classify = { seed, progress in
        var seeded = options
        seeded.seed = seed
        let deployed = try worded { try DeployedNetwork(net, chip: definition, options: seeded) }
        return try worded { try deployed.evaluate(images: images, spf: spf, seed: seed, threads: threads, progress: progress) }
      }
      predict = { seed in
        AccuracyPrediction(network: net, images: images, inputs: options.inputs, seed: seed)
          .accuracy(copies: copies, spf: spf, seed: seed, progress: predicting)
      }
      chip = definition.name
    }
    var runs: [SeedSpreadReport.Run] = []
    for seed in seeds ?? [firstSeed] {
      let bar = ProgressBar(label: seeds == nil ? "eval" : "eval seed \(seed)", enabled: !args.flag("json"))
      let evaluation = try classify(seed) { done, total in bar.update(Double(done) / Double(total), "\(done)/\(total) images") }
      bar.finish()
      runs.append(SeedSpreadReport.Run(seed: seed, evaluation: evaluation))
    }
    let predicted = args.flag("no-predict") ? nil : predict(runs[0].seed)
    predictBar.finish()
    if let file = args.string("predictions") {
      let csv = runs[0].evaluation.predictionsCSV(labels: images.labels, firstImage: try args.int("first", in: 0...1_000_000) ?? 0)
      try writeFileAtomically(Array(csv.utf8), to: file)
    }
    if seeds != nil {
      let report = SeedSpreadReport(runs: runs, predicted: predicted, chip: chip)
      print(args.flag("json") ? report.json : report.text)
    } else {
      let report = EvaluationReport(evaluation: runs[0].evaluation, predicted: predicted, chip: chip)
      print(args.flag("json") ? report.json : report.text)
    }
    if predicted == nil && !args.flag("json") && !args.flag("no-predict") {
      print("prediction       none: the network file named in the manifest is not there")
    }
    return 0
  })

/// The test images `--first` and `--images` select (default: all).
func testImages(_ args: ParsedArguments, _ test: ImageSet) throws -> ImageSet {
  let first = try args.int("first", in: 0...1_000_000) ?? 0
  guard first < test.count else { throw InputError(file: "--first", message: "value \(first) is past the last of the \(test.count) test images") }
  let left = test.count - first
  let count = try args.int("images", in: 1...1_000_000) ?? left
  guard count <= left else {
    throw UsageError(flag: "images", value: "\(count)", allowed: "1...\(left)",
      message: "value \(count) is more than the \(left) test images" + (first == 0 ? "" : " from --first \(first)") + "; allowed: 1...\(left)")
  }
  return test.subset(first..<(first + count))
}

/// The help of every `--data DIR` option: where MNIST is looked for.
let dataHelp = "MNIST folder (default: $TNSIM_DATA, else data/mnist here or in the tnsim checkout)"

/// A deployed model keeps the settings it was deployed with: refuses flags that would change them.
func refuseRedeployment(_ args: ParsedArguments, _ manifest: DeploymentManifest) throws {
  if let copies = try args.int("copies", in: 1...65536), copies != manifest.options.copies {
    throw InputError(file: "--copies", message: "the deployed model has \(manifest.options.copies) copies; deploy again to change them")
  }
  for flag in ["chip", "leak", "scale", "inputs", "synapses"] where args.string(flag) != nil {
    throw InputError(file: "--\(flag)", message: "is fixed by the deployed model (see its manifest); deploy again to change it")
  }
  for flag in ["no-shrink", "no-pack"] where args.flag(flag) {
    throw InputError(file: "--\(flag)", message: "is fixed by the deployed model (see its manifest); deploy again to change it")
  }
}
