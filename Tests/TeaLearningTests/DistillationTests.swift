import Foundation
import Testing
@testable import TeaLearning

/// Distillation: the loss also pulls the class outputs toward a teacher's.
@Suite struct DistillationTests {
  /// The distilled loss of one sample, written plainly in Double: `(1 - a)` times the label's loss
  /// plus `a * T^2` times the loss on the teacher's `targets` at temperature `T`.
  static func referenceLoss(
    _ function: LossFunction, _ p: [Double], classes: Int, label: Int, targets: [Double], weight a: Double, temperature t: Double
  ) -> Double {
    let (sum, second, count) = Reference.classSums(p, classes: classes)
    var soft = 0.0
    switch function {
    case .softmax:
      let z = sum.map { $0 / t }
      let logTotal = log(z.map { exp($0) }.reduce(0, +))
      for k in 0..<classes { soft -= targets[k] * (z[k] - logTotal) }
    case .gaussian:
      for k in 0..<classes {
        let z = (sum[k] / count[k] - 0.5) / (second[k] / (count[k] * count[k]) + _Loss.gaussianFloor).squareRoot()
        soft -= targets[k] * Reference.logPhi(z / t) + (1 - targets[k]) * Reference.logPhi(-z / t)
      }
    }
    return (1 - a) * Reference.loss(function, p, classes: classes, label: label) + a * t * t * soft
  }

  /// Random class-neuron probabilities: 22 neurons voting for 4 classes.
  static func outputs(seed: UInt64) -> [Float] {
    var g = TeaRandom(seed: seed)
    return (0..<22).map { _ in Float(0.02 + 0.96 * g.unitDouble()) }
  }

  /// The targets a teacher with class-neuron probabilities `p` gives (`classTargets`).
  static func targets(_ function: LossFunction, of p: [Float], classes: Int, temperature: Double) -> [Float] {
    var perClass = [Int](repeating: 0, count: classes)
    for j in p.indices { perClass[j % classes] += 1 }
    var work = [Double](repeating: 0, count: 3 * classes)
    var out = [Float](repeating: 0, count: classes)
    p.withUnsafeBufferPointer { pp in
      _BatchEngine.classTargets(
        function, softmaxScale: 1, temperature: temperature, p: pp.baseAddress!, count: p.count, classes: classes, perClass: perClass,
        work: &work, out: &out)
    }
    return out
  }

  /// The fast loss and its gradient against the plain reference and its central differences.
  @Test(arguments: LossFunction.allCases)
  func theDistilledLossMatchesTheReference(function: LossFunction) {
    let p = Self.outputs(seed: 31)
    let teacher = Self.targets(function, of: Self.outputs(seed: 32), classes: 4, temperature: 2)
    let r = _BatchEngine.sampleLoss(function, p: p, classes: 4, label: 2, teacher: (teacher, 0.3, 2))
    let pd = p.map(Double.init)
    let t = teacher.map(Double.init)
    func reference(_ q: [Double]) -> Double { Self.referenceLoss(function, q, classes: 4, label: 2, targets: t, weight: 0.3, temperature: 2) }
    #expect(abs(r.loss - reference(pd)) < 1e-9, "\(r.loss) vs \(reference(pd))")
    // The label's loss alone differs: the test sees the teacher's term.
    #expect(abs(r.loss - Reference.loss(function, pd, classes: 4, label: 2)) > 1e-3)
    for j in p.indices {
      let h = 1e-6
      var up = pd
      var down = pd
      up[j] += h
      down[j] -= h
      let fd = (reference(up) - reference(down)) / (2 * h)
      #expect(abs(Double(r.gradient[j]) - fd) <= 1e-5 + 1e-4 * abs(fd), "dL/dp[\(j)]: \(r.gradient[j]) vs \(fd)")
    }
  }

  /// Weight 0 is the label's loss, bit for bit; weight 1 with a teacher whose outputs are the
  /// network's own leaves no gradient (the targets are already met), while another teacher does.
  @Test(arguments: LossFunction.allCases)
  func theWeightSetsTheMix(function: LossFunction) {
    let p = Self.outputs(seed: 41)
    let plain = _BatchEngine.sampleLoss(function, p: p, classes: 4, label: 1)
    let other = Self.targets(function, of: Self.outputs(seed: 42), classes: 4, temperature: 3)
    let none = _BatchEngine.sampleLoss(function, p: p, classes: 4, label: 1, teacher: (other, 0, 3))
    #expect(none.loss.bitPattern == plain.loss.bitPattern && none.gradient.map(\.bitPattern) == plain.gradient.map(\.bitPattern))
    let own = Self.targets(function, of: p, classes: 4, temperature: 3)
    let met = _BatchEngine.sampleLoss(function, p: p, classes: 4, label: 1, teacher: (own, 1, 3))
    #expect(met.gradient.allSatisfy { abs($0) < 1e-5 }, "\(met.gradient)")
    let unmet = _BatchEngine.sampleLoss(function, p: p, classes: 4, label: 1, teacher: (other, 1, 3))
    #expect(unmet.gradient.contains { abs($0) > 1e-3 })
  }

  /// The Gaussian targets are each class's Phi(z / T), the softmax targets a distribution.
  @Test func theTeachersTargets() {
    let p = Self.outputs(seed: 51)
    let gaussian = Self.targets(.gaussian, of: p, classes: 4, temperature: 2)
    for k in 0..<4 {
      let mine = stride(from: k, to: p.count, by: 4).map { Double(p[$0]) }
      let n = Double(mine.count)
      let z = (mine.reduce(0, +) / n - 0.5) / (mine.map { $0 * (1 - $0) }.reduce(0, +) / (n * n) + _Loss.gaussianFloor).squareRoot()
      #expect(abs(Double(gaussian[k]) - exp(Reference.logPhi(z / 2))) < 1e-6)
    }
    let softmax = Self.targets(.softmax, of: p, classes: 4, temperature: 2)
    #expect(abs(softmax.reduce(0, +) - 1) < 1e-6 && softmax.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(Self.targets(.softmax, of: p, classes: 4, temperature: 8).max()! < softmax.max()!)
  }

  /// The first `images` training images, an empty validation set and a seeded (untrained)
  /// mnist-5core teacher at temperature 2.
  static func setting(images: Int, teacherSeed: UInt64, weight: Double) throws -> (train: ImageSet, none: ImageSet, teacher: Teacher) {
    let mnist = try MNIST.load(directory: mnistDirectory)
    let network = ShadowNetwork(topology: try Topology.resolve("mnist-5core"), style: .pytruenorth, seed: teacherSeed)
    return (mnist.train.subset(0..<images), ImageSet(pixels: [], labels: [], rows: 28, columns: 28), Teacher(network: network, weight: weight, temperature: 2))
  }

  /// A run with a teacher (another topology) moves the network elsewhere than the same run
  /// without, gives the same network on one thread and on all, and resumes bit for bit.
  @Test func aRunWithATeacherIsReproducible() throws {
    let (train, none, teacher) = try Self.setting(images: 500, teacherSeed: 9, weight: 0.5)
    var options = TrainingOptions()
    options.topology = "mnist-21core"
    options.epochs = 2
    options.seed = 4
    let topology = try Topology.resolve("mnist-21core")
    let plain = Trainer(options: options, topology: topology, train: train, validation: none)
    try plain.trainEpoch()
    options.distill = Distillation(teacher: "teacher.json", weight: 0.5, temperature: 2)
    var networks: [ShadowNetwork] = []
    for threads in [1, 0] {
      options.threads = threads
      let trainer = Trainer(options: options, topology: topology, train: train, validation: none, teacher: teacher)
      try trainer.trainEpoch()
      if threads == 1 { #expect(trainer.network != plain.network) }
      let resumed = try Trainer(resuming: trainer.checkpoint, options: options, train: train, validation: none, teacher: teacher)
      try resumed.trainEpoch()
      networks.append(resumed.network)
    }
    #expect(networks[0] == networks[1])
    options.threads = 1
    let straight = Trainer(options: options, topology: topology, train: train, validation: none, teacher: teacher)
    try straight.trainEpoch()
    try straight.trainEpoch()
    #expect(straight.network == networks[0])
    // A checkpoint of another teacher is refused, naming the option.
    var other = options
    other.distill!.weight = 0.25
    #expect(throws: InputError.self) { try Trainer(resuming: straight.checkpoint, options: other, train: train, validation: none, teacher: teacher) }
    do { _ = try Trainer(resuming: straight.checkpoint, options: other, train: train, validation: none, teacher: teacher) } catch {
      #expect("\(error)".contains("teacher: the checkpoint was written with a different teacher"), "\(error)")
    }
  }

  /// The data-parallel plug-ins' workers distil too: each worker's engine gets the teacher, so a
  /// run with one moves elsewhere than the same run without.
  @Test(arguments: ["gdrop:workers=2,keep=1", "terngrad:workers=2"])
  func dataParallelWorkersDistil(plugin: String) throws {
    let (train, none, teacher) = try Self.setting(images: 256, teacherSeed: 8, weight: 0.8)
    let topology = teacher.network.topology
    var options = TrainingOptions()
    options.epochs = 1
    options.plugins = [plugin]
    let plain = Trainer(options: options, topology: topology, train: train, validation: none, plugins: try TrainingPlugins.make(for: options))
    try plain.trainEpoch()
    options.distill = Distillation(teacher: "teacher.json", weight: 0.8, temperature: 2)
    let taught = Trainer(
      options: options, topology: topology, train: train, validation: none, plugins: try TrainingPlugins.make(for: options), teacher: teacher)
    try taught.trainEpoch()
    #expect(taught.network != plain.network)
  }

  /// A teacher that cannot be read or reads other images is refused before the data loads,
  /// naming its file.
  @Test func refusesTeachersThatCannotTeach() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-teacher-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let small = dir + "/small.json"
    try TrainedNetwork(network: smallNetwork(seed: 3), score: .mean, training: nil).write(to: small)
    for (teacher, message) in [
      (dir + "/missing.json", dir + "/missing.json: "),
      (small, small + ": input: is 6 x 6; the network to train reads 28 x 28"),
    ] {
      var options = TrainingOptions()
      options.distill = Distillation(teacher: teacher)
      #expect(throws: InputError.self) { try TrainingRun.run(options: options, dataDirectory: dir + "/no-data", output: dir + "/net.json") }
      do { _ = try TrainingRun.run(options: options, dataDirectory: dir + "/no-data", output: dir + "/net.json") } catch {
        #expect("\(error)".hasPrefix(message), "\(error)")
      }
    }
  }
}
