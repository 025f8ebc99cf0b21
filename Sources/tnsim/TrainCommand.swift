import Foundation
import Deployment
import TeaLearning
import TrueNorth
import TrueNorthIO

let trainCommand = Command(
  name: "train",
  summary: "Train a Tea-learning shadow network on MNIST and write it as a network file.",
  usage: "train --output NET.json [--topology NAME|FILE] [--epochs N] [--batch B] [--lr X] [--seed S] [--augment shift=S[,rotate=D,scale=F]] [--sample-hidden K] [--teacher NET.json [--teacher-weight A] [--teacher-temperature T]] [--plugin NAME:K=V,...]... [--init NET.json] [--connection-decimals D] [--resume] [--json]",
  details: """
    Reads the decompressed MNIST files from --data DIR, $TNSIM_DATA or the checkout's data/mnist (`make data`;
    their SHA-256 is checked).
    Built-in topologies: \(Topology.builtinFiles.map(\.name).joined(separator: ", ")); or a topology file
    (docs/topology-format.md). After every epoch a checkpoint is written atomically to NET.json.checkpoint
    (or --checkpoint); --resume continues from it to the same result as an uninterrupted run. At the end
    the shadow network's accuracy on the 10,000 test images is printed and the network file
    (docs/network-format.md) is written. The same options give the same network on any thread count.
    Plug-ins (docs/plugins.md), repeat --plugin to combine them, applied in the order given:
      probreg:lambda=1e-6,a=0.5,b=0.5        probability-biased regularisation (binary connections)
      ssl:lambda=1e-3,groups=axons+neurons,layers=1/1,zero=1e-4,block=16x16,finetune=0,structure=NET.json
                                             structured sparsity (group Lasso; groups: axons, neurons,
                                             cores, inputs, blocks); finetune=1 keeps removed groups zero;
                                             structure= removes NET's zero groups first (implies finetune)
      terngrad:workers=4,granularity=column|tensor,block=1,scaler=sigma|max,clip=2.5,float-below=0,skip-output=0
                                             data-parallel workers exchanging ternary gradients
                                             (one scaler per neuron column; float-below 1024 with tensor)
      prune:sparsity=0.5,steps=3,every=1     magnitude pruning (Han et al.): prune the smallest c*|s| of each
                                             layer in steps (every E epochs) to the sparsity (per layer: 0.9/0.5)
      gdrop:workers=4,keep=0.01,momentum=0   data-parallel workers sending each gradient's largest fraction
                                             (index, value), the rest kept as residual; momentum: DGC's correction
      tie:layers=0                           weight sharing: the cores of each layer given (0-based, 0/1 for two)
                                             hold one set of parameters, like a convolution's kernel
    The checkpoint also holds prune's mask and gdrop's residuals, so such runs resume exactly too
    (gdrop across MPI ranks excepted: each rank keeps its own residuals).
    --init NET.json starts from a trained network (its topology and weight tables), e.g. to fine-tune
    the dense network with an SSL run's structure: --init dense.json --plugin ssl:lambda=0,structure=ssl.json.
    --connection-decimals D rounds the connection probabilities of the network file written at the end (the
    checkpoints stay exact; the test accuracy printed is the rounded network's); a --resume may add it, e.g. to
    a finished run's checkpoint to write its network again, smaller.
    --augment shift=S moves each training image by a random (dx, dy) in [-S, S] pixels (zero fill), drawn
    from the seed, the epoch and the image's index: the same on any thread count and on --resume. Adding
    rotate=D and scale=F (e.g. shift=2,rotate=10,scale=0.1) also turns each image by up to D degrees and
    zooms it by 1-F to 1+F about its centre, resampled bilinearly.
    --sample-hidden K trains through sampled hidden spikes: each hidden layer's outputs are drawn as 0/1
    spikes (as one copy on the chip draws them in a tick), K times per training image, the loss is taken on
    the mean of the K draws' class-neuron probabilities, and the gradient passes through each draw to its
    probability; meant for fine-tuning (--init). K = 1 favours single copies on the chip, larger K many.
    Seeded per step and image: the same network on any thread count and on --resume.
    --teacher NET.json distils a trained network (e.g. an ensemble from `tnsim ensemble`): the teacher runs
    forward on the same (augmented) images and the loss becomes (1 - A) times the loss on the labels plus
    A * T^2 times the loss on the teacher's class outputs at temperature T (--teacher-weight A, default 0.5;
    --teacher-temperature T, default 1; docs/training.md). Any topology of the same input and classes teaches.
    """,
  options: [
    Option(name: "topology", value: "NAME|FILE", help: "built-in topology name or topology file (default mnist-5core)"),
    Option(name: "output", value: "NET.json", help: "the network file to write (required)"),
    Option(name: "epochs", value: "N", help: "passes over the training images (default 15)"),
    Option(name: "batch", value: "B", help: "images per mini-batch (default 64)"),
    Option(name: "lr", value: "X", help: "learning rate of the connection probabilities (default 0.005)"),
    Option(name: "leak-lr-scale", value: "X", help: "leak learning rate = lr * X (default 10)"),
    Option(name: "optimizer", value: "adam|sgd", help: "Adam (default) or SGD with momentum 0.9"),
    Option(name: "schedule", value: "cosine|constant", help: "learning-rate schedule (default cosine, to 2% of lr)"),
    Option(name: "loss", value: "softmax|gaussian", help: "pytruenorth's Gaussian loss (default; deploys far better at 1 copy) or softmax over class sums"),
    Option(name: "weights", value: "pytruenorth|ranc", help: "axon types and weight tables (default pytruenorth)"),
    Option(name: "seed", value: "S", help: "seed of every random choice (default 1)"),
    Option(name: "validation", value: "N", help: "training images held out for validation (default 5000)"),
    Option(name: "train-limit", value: "N", help: "train on only the first N training images (default all)"),
    Option(name: "threads", value: "T", help: "1 = single thread, else all processors (results are identical)"),
    Option(name: "data", value: "DIR", help: dataHelp),
    Option(name: "checkpoint", value: "FILE", help: "checkpoint file (default NET.json.checkpoint)"),
    Option(name: "plugin", value: "NAME:K=V,...", help: "a training plug-in (probreg, ssl, terngrad, prune, gdrop); repeat to combine", repeatable: true),
    Option(name: "augment", value: "shift=S[,rotate=D,scale=F]", help: "seeded random shifts (up to S pixels), turns (up to D degrees) and zooms (1 +- F) of the training images (default none)"),
    Option(name: "sample-hidden", value: "K", help: "train through K draws of 0/1 hidden spikes per image (straight-through gradient; default off)"),
    Option(name: "teacher", value: "NET.json", help: "distil this trained network's outputs (default off)"),
    Option(name: "teacher-weight", value: "A", help: "weight of the teacher's term, 0 to 1 (default 0.5)"),
    Option(name: "teacher-temperature", value: "T", help: "temperature of the teacher's and the network's outputs (default 1)"),
    Option(name: "init", value: "NET.json", help: "start from this trained network instead of a fresh initialisation"),
    Option(name: "connection-decimals", value: "D", help: "round the written network's connection probabilities to D decimals (a smaller file)"),
    Option(name: "resume", value: nil, help: "continue from the checkpoint (same options required)"),
    Option(name: "json", value: nil, help: "print the result as one JSON object (no progress output)"),
  ],
  run: { args in
    guard let output = args.string("output") else {
      throw InputError(file: "--output", message: "missing; give the network file to write, e.g. --output out/net.json")
    }
    let o = try trainingOptions(args)
    let json = args.flag("json")
    warnIfUndeployable(o, json: json)
    let bar = ProgressBar(label: "train", enabled: !json)
    let terminal = stderrIsTerminal
    let remaining = RemainingTime()
    let result = try pluginFlag { try TrainingRun.run(
      options: o, dataDirectory: try MNIST.locate(args.string("data")), output: output, checkpoint: args.string("checkpoint"),
      resume: args.flag("resume")
    ) { event in
      guard !json else { return }
      report(event, options: o, bar: bar, remaining: remaining, terminal: terminal)
    } }
    printResult(result, options: o, output: output, json: json)
    return 0
  })

/// The training options the flags give; plug-in settings are checked before the data loads.
func trainingOptions(_ args: ParsedArguments) throws -> TrainingOptions {
  var o = TrainingOptions()
  o.topology = args.string("topology") ?? o.topology
  o.epochs = try args.int("epochs", in: 1...100_000) ?? o.epochs
  o.batchSize = try args.int("batch", in: 1...60_000) ?? o.batchSize
  o.learningRate = try args.double("lr", in: 1e-9...100) ?? o.learningRate
  o.leakLearningRateScale = try args.double("leak-lr-scale", in: 0...1e6) ?? o.leakLearningRateScale
  o.seed = try args.uint64("seed") ?? o.seed
  o.validationCount = try args.int("validation", in: 0...59_999) ?? o.validationCount
  o.trainLimit = try args.int("train-limit", in: 1...60_000) ?? o.trainLimit
  o.threads = try args.int("threads", in: 0...1024) ?? o.threads
  o.plugins = args.strings("plugin")
  o.initialNetwork = args.string("init")
  o.connectionDecimals = try args.int("connection-decimals", in: 1...7)
  if let s = args.string("augment") {
    let a = try Augmentation(parsing: s, source: "--augment")
    o.augment = a.isIdentity ? nil : a
  }
  o.sampleHidden = try args.int("sample-hidden", in: 1...64) ?? 0
  let weight = try args.double("teacher-weight", in: 0...1), temperature = try args.double("teacher-temperature", in: 0.01...100)
  if let teacher = args.string("teacher") {
    o.distill = Distillation(teacher: teacher, weight: weight ?? 0.5, temperature: temperature ?? 1)
  } else if weight != nil || temperature != nil {
    throw InputError(file: weight != nil ? "--teacher-weight" : "--teacher-temperature", message: "needs --teacher NET.json")
  }
  for p in o.plugins { _ = try pluginFlag { try TrainingPlugins.make(p) } }  // bad settings fail before the data loads
  func choice<T: RawRepresentable & CaseIterable>(_ flag: String, _ current: T) throws(InputError) -> T where T.RawValue == String {
    guard let s = args.string(flag) else { return current }
    guard let v = T(rawValue: s) else {
      throw InputError(file: "--\(flag)", message: "'\(s)' is not allowed; use \(T.allCases.map(\.rawValue).joined(separator: " or "))")
    }
    return v
  }
  o.optimizer = try choice("optimizer", o.optimizer)
  o.schedule = try choice("schedule", o.schedule)
  o.loss = try choice("loss", o.loss)
  o.weightTables = try choice("weights", o.weightTables)
  return o
}

/// Prints a training event on standard error: a progress bar on a terminal, else a line per epoch;
/// both with the time left.
func report(_ event: TrainingEvent, options o: TrainingOptions, bar: ProgressBar, remaining: RemainingTime, terminal: Bool) {
  switch event {
  case .loaded(let train, let validation, let test):
    printError("train: \(o.initialNetwork.map { "starting from " + $0 } ?? o.topology), \(train) training, \(validation) validation, \(test) test images; \(o.epochs) epochs of batch \(o.batchSize)" + (o.augment.map { ", augment \($0.spec)" } ?? "") + (o.sampleHidden > 0 ? ", \(o.sampleHidden) draw(s) of the hidden spikes" : "")
      + (o.distill.map { ", distilling \($0.teacher) (weight \($0.weight), temperature \($0.temperature))" } ?? ""))
  case .resumed(let done):
    printError("train: resumed after epoch \(done)")
  case .step(let p):
    // The whole run's fraction, for the time left; a resumed run times from where it resumed.
    let whole = (Double(p.epoch) + Double(p.step) / Double(p.stepsPerEpoch)) / Double(o.epochs)
    let left = remaining.text(whole)
    // Plain lines (no terminal) come once per epoch, from .epoch below.
    if terminal {
      bar.update(Double(p.step) / Double(p.stepsPerEpoch),
        String(format: "epoch %d/%d  loss %.4f  acc %.2f%%", p.epoch + 1, o.epochs, p.loss, 100 * p.accuracy) + (left.map { "  " + $0 } ?? ""))
    }
  case .epoch(let r, let of):
    bar.finish()
    printError(String(format: "epoch %d/%d: loss %.4f, train %.2f%%", r.epoch, of, r.trainLoss, 100 * r.trainAccuracy)
      + (r.validationAccuracy.map { String(format: ", validation %.2f%%", 100 * $0) } ?? "")
      + String(format: ", %.1f s (checkpoint written)", r.seconds)
      + (remaining.text(Double(r.epoch) / Double(of)).map { ", " + $0 } ?? ""))
  case .testing:
    printError("train: evaluating the shadow network on the test set")
  }
}

/// Prints the run's result: one JSON object with `--json`, else the test accuracy, the files
/// written, TernGrad's traffic and SSL's sparsity.
func printResult(_ result: TrainingResult, options o: TrainingOptions, output: String, json: Bool) {
  let m = result.metadata
  if json {
    print(trainingJSON(result, options: o, output: output))
  } else {
    print(String(format: "test accuracy %.2f%% (shadow network, %d test images), %d epochs, %.1f s training", 100 * (m.testAccuracy ?? 0),
      m.testImages, m.epochs, m.trainingSeconds))
    print("wrote \(output) (checkpoint \(result.checkpoint))")
    if let c = result.communication { print("\(o.plugins.first { $0.hasPrefix("gdrop") } == nil ? "terngrad" : "gdrop"): \(c)") }
    if o.plugins.contains(where: { $0.hasPrefix("ssl") || $0.hasPrefix("prune") }) {
      for l in LayerSparsity.of(result.trained.network) {
        print("layer \(l.layer): removed \(l.axons.removed)/\(l.axons.total) axons, \(l.neurons.removed)/\(l.neurons.total) neurons, "
          + "\(l.cores.removed)/\(l.cores.total) cores; \(l.connections.zero)/\(l.connections.total) connections zero")
      }
    }
  }
}

/// The result as one JSON object, keys sorted (the `--json` output).
private func trainingJSON(_ result: TrainingResult, options o: TrainingOptions, output: String) -> String {
  let m = result.metadata
  enum Value { case text(String?), integer(Int), unsigned(UInt64), number(Double?) }
  let fields: [(key: String, value: Value)] = [
    ("topology", .text(m.options.topology)), ("output", .text(output)), ("checkpoint", .text(result.checkpoint)),
    ("epochs", .integer(m.epochs)), ("batch", .integer(o.batchSize)), ("lr", .number(o.learningRate)),
    ("seed", .unsigned(o.seed)), ("trainImages", .integer(m.trainImages)),
    ("validationImages", .integer(m.validationImages)), ("validationAccuracy", .number(m.validationAccuracy)),
    ("testAccuracy", .number(m.testAccuracy)), ("testImages", .integer(m.testImages)),
    ("trainingSeconds", .number((m.trainingSeconds * 1000).rounded() / 1000)),
  ]
  var w = JSONTextWriter()
  w.beginObject(.compact)
  for f in fields.sorted(by: { $0.key < $1.key }) {
    w.key(f.key)
    switch f.value {
    case .text(let t?): w.value(t)
    case .integer(let v): w.value(v)
    case .unsigned(let v): w.value(v)
    case .number(let v?) where v.isFinite: w.value(number: "\(v)")
    case .text(nil), .number: w.null()
    }
  }
  w.endObject()
  return w.text
}

/// Runs `body`, giving a plug-in spec error the `--plugin` flag's wording
/// (`--plugin: ssl.grups: is not a setting of ssl; ...`).
func pluginFlag<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let e as PluginSpecError {
    throw InputError(file: "--plugin", path: e.location, message: e.message)
  }
}

/// Warns, before training, when the topology trains but cannot be deployed (an output read by two
/// cores); a topology that does not resolve is left to the run's own error.
func warnIfUndeployable(_ o: TrainingOptions, json: Bool) {
  guard !json, o.initialNetwork == nil, let topology = try? Topology.resolve(o.topology) else { return }
  do throws(DeploymentError) {
    try DeployedNetwork.checkWiring(topology)
  } catch {
    printError("train: warning: \(topology.name) trains, but deploy, eval and sweep will refuse it: \(error)")
  }
}
