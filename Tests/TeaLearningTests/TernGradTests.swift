import Foundation
import Testing
@testable import TeaLearning

@Suite struct TernGradTests {
  /// A tensor of values spread over [-1, 1], some exactly zero.
  static func tensor(_ count: Int, seed: UInt64) -> [Float] {
    var g = TeaRandom(seed: seed)
    return (0..<count).map { i in i % 7 == 0 ? 0 : 2 * g.unitFloat() - 1 }
  }

  @Test(arguments: [TernGrad.Scaler.max, .sigma])
  func ternarisationIsUnbiased(rule: TernGrad.Scaler) {
    // Two outliers beyond 2.5 sigma, which clipping maps to +-s.
    let g = Self.tensor(64, seed: 3) + [4, -3]
    let s = TernGrad.scaler(of: g, rule: rule)
    let draws = 20_000
    var sums = [Double](repeating: 0, count: g.count)
    for d in 0..<draws {
      var random = TernGrad.random(seed: 9, step: d, rank: 1, tensor: 2)
      let codes = TernGrad.ternarise(g, scaler: s, random: &random)
      for i in g.indices { sums[i] += Double(s) * Double(codes[i]) }
    }
    for i in g.indices {
      let a = Double(abs(g[i]))
      if a >= Double(s) {
        // Clipped: always +-s.
        #expect(sums[i] / Double(draws) == Double(s) * (g[i] > 0 ? 1 : -1))
      } else {
        // Variance per draw s|g| - g^2; allow five standard deviations of the mean.
        let bound = 5 * ((Double(s) * a - a * a) / Double(draws)).squareRoot() + 1e-6
        #expect(abs(sums[i] / Double(draws) - Double(g[i])) <= bound, "element \(i): g \(g[i])")
      }
    }
    #expect(rule == .max ? s == 4 : s < 3, "clipping cuts both outliers")
  }

  /// A row-major tensor of `rows x columns` whose column `c` spans about `[-(c + 1), c + 1]`.
  static func columnTensor(rows: Int, columns: Int, seed: UInt64) -> [Float] {
    var g = TeaRandom(seed: seed)
    return (0..<(rows * columns)).map { i in i % 5 == 0 ? 0 : Float(i % columns + 1) * (2 * g.unitFloat() - 1) }
  }

  @Test(arguments: [(TernGrad.Scaler.max, 1), (.sigma, 1), (.max, 3), (.sigma, 3)])
  func columnTernarisationIsUnbiased(rule: TernGrad.Scaler, block: Int) {
    let rows = 12, columns = 8
    var g = Self.columnTensor(rows: rows, columns: columns, seed: 4)
    g[3 * columns + 2] = 40  // an outlier the sigma rule clips
    let s = TernGrad.columnScalers(of: g, columns: columns, block: block, rule: rule)
    #expect(s.count == (columns + block - 1) / block)
    // Each block's scaler is the tensor rule over that block's elements.
    for (k, scaler) in s.enumerated() {
      let part = g.indices.filter { ($0 % columns) / block == k }.map { g[$0] }
      #expect(scaler == TernGrad.scaler(of: part, rule: rule), "block \(k)")
    }
    #expect(rule == .max ? s[2 / block] == 40 : s[2 / block] < 40)
    #expect(Set(s).count == s.count, "the columns have scalers of their own")
    let draws = 20_000
    var sums = [Double](repeating: 0, count: g.count)
    for d in 0..<draws {
      var random = TernGrad.random(seed: 9, step: d, rank: 1, tensor: 0)
      let codes = TernGrad.ternarise(g, scalers: s, columns: columns, block: block, random: &random)
      for i in g.indices { sums[i] += Double(s[(i % columns) / block]) * Double(codes[i]) }
    }
    for i in g.indices {
      let a = Double(abs(g[i])), si = Double(s[(i % columns) / block])
      if a >= si {
        #expect(sums[i] / Double(draws) == si * (g[i] > 0 ? 1 : -1))
      } else {
        let bound = 5 * ((si * a - a * a) / Double(draws)).squareRoot() + 1e-6
        #expect(abs(sums[i] / Double(draws) - Double(g[i])) <= bound, "element \(i): g \(g[i])")
      }
    }
  }

  @Test(arguments: [2, 4, 8])
  func columnAverageTakesTwoNPlusOneLevelsPerColumn(workers n: Int) throws {
    let rows = 256, columns = 16, block = 2
    let gradients = (0..<n).map { Self.columnTensor(rows: rows, columns: columns, seed: 200 + UInt64($0)) }
    let perRank = gradients.map { TernGrad.columnScalers(of: $0, columns: columns, block: block, rule: .sigma) }
    let s = (0..<perRank[0].count).map { k in perRank.map { $0[k] }.max()! }
    let messages = (0..<n).map { r in
      var random = TernGrad.random(seed: 5, step: 0, rank: r, tensor: 0)
      let packed = TernaryMessage.pack(TernGrad.ternarise(gradients[r], scalers: s, columns: columns, block: block, random: &random))
      return TernaryMessage(rank: r, tensors: [.ternaryColumns(scalers: s, columns: columns, block: block, count: rows * columns, packed: packed), .float([0])])
    }
    let average = try TernGrad.average(messages, weights: Array(repeating: 8, count: n))
    var levels = [Set<Int>](repeating: [], count: columns)
    for (i, v) in average.cores[0].connections.enumerated() {
      let k = v * Float(n) / s[(i % columns) / block]
      #expect(abs(k - k.rounded()) < 1e-4)
      #expect(abs(k) <= Float(n))
      levels[i % columns].insert(Int(k.rounded()))
    }
    for c in 0..<columns {
      #expect(levels[c].count <= 2 * n + 1)
      #expect(levels[c].count > 3)
    }
    // Missing scalers (a decoded message before the shared ones are attached) are refused.
    let bare = messages.map { m in
      TernaryMessage(rank: m.rank, tensors: [.ternaryColumns(scalers: [], columns: columns, block: block, count: rows * columns, packed: []), .float([0])])
    }
    #expect(throws: CommunicationError.self) { try TernGrad.average(bare, weights: Array(repeating: 8, count: n)) }
  }

  @Test func scalers() {
    #expect(TernGrad.scaler(of: [0.5, -2, 1], rule: .max) == 2)
    #expect(TernGrad.scaler(of: [], rule: .sigma) == 0)
    // sigma of [1, -1, 1, -1] is 1: 2.5 sigma exceeds max|g| = 1, so max|g| wins.
    #expect(TernGrad.scaler(of: [1, -1, 1, -1], rule: .sigma) == 1)
    var values = [Float](repeating: 0, count: 99)
    values.append(10)
    // sigma = sqrt(100/100 - 0.01) ~ 0.995: clip at 2.5 sigma.
    #expect(abs(TernGrad.scaler(of: values, rule: .sigma) - 2.5 * Float((1 - 0.01).squareRoot())) < 1e-5)
    var random = TeaRandom(seed: 1)
    #expect(TernGrad.ternarise([1, -1, 0.5], scaler: 0, random: &random) == [0, 0, 0])
  }

  @Test(arguments: [2, 4, 8])
  func averageTakesTwoNPlusOneLevels(workers n: Int) throws {
    let count = 4096
    let gradients = (0..<n).map { Self.tensor(count, seed: 100 + UInt64($0)) }
    let s = gradients.map { TernGrad.scaler(of: $0, rule: .max) }.max()!
    let messages = (0..<n).map { r in
      var random = TernGrad.random(seed: 5, step: 0, rank: r, tensor: 0)
      let packed = TernaryMessage.pack(TernGrad.ternarise(gradients[r], scaler: s, random: &random))
      return TernaryMessage(rank: r, tensors: [.ternary(scaler: s, count: count, packed: packed), .float([Float(r)])])
    }
    let average = try TernGrad.average(messages, weights: Array(repeating: 16, count: n))
    var levels = Set<Int>()
    for v in average.cores[0].connections {
      let k = v * Float(n) / s
      #expect(abs(k - k.rounded()) < 1e-4)
      #expect(abs(k) <= Float(n))
      levels.insert(Int(k.rounded()))
    }
    #expect(levels.count <= 2 * n + 1)
    #expect(levels.count > 3, "the average has more levels than one worker's ternary values")
    // Float tensors are averaged as they are.
    #expect(abs(average.cores[0].leaks[0] - Float(n - 1) / 2) < 1e-6)
  }

  @Test func unequalShardsAreWeightedBySize() throws {
    let a = TernaryMessage(rank: 0, tensors: [.ternary(scaler: 2, count: 1, packed: TernaryMessage.pack([1])), .float([3])])
    let b = TernaryMessage(rank: 1, tensors: [.ternary(scaler: 2, count: 1, packed: TernaryMessage.pack([-1])), .float([0])])
    let g = try TernGrad.average([a, b], weights: [3, 1])
    #expect(g.cores[0].connections == [1])  // (3 * 2 - 1 * 2) / 4
    #expect(g.cores[0].leaks == [2.25])
  }

  @Test(arguments: [0, 1, 2, 3, 4, 5, 13, 65_536])
  func packingRoundTrips(count: Int) throws {
    var g = TeaRandom(seed: UInt64(count))
    let codes = (0..<count).map { _ in Int8(g.below(3)) - 1 }
    let packed = TernaryMessage.pack(codes)
    #expect(packed.count == (count + 3) / 4)
    #expect(try TernaryMessage.unpack(packed, count: count) == codes)
  }

  @Test func packingLayout() throws {
    #expect(TernaryMessage.pack([1, -1, 0, 1, -1]) == [0b01_00_10_01, 0b10])
    #expect(throws: CommunicationError.self) { try TernaryMessage.unpack([0b11], count: 1) }
    #expect(throws: CommunicationError.self) { try TernaryMessage.unpack([0, 0], count: 4) }
  }

  @Test func messagesRoundTripThroughBytes() throws {
    let m = TernaryMessage(
      rank: 3, tensors: [.ternary(scaler: 0.25, count: 6, packed: TernaryMessage.pack([1, 0, -1, -1, 0, 1])), .float([1.5, -0, .pi]), .float([])])
    let bytes = m.encoded()
    #expect(bytes.count == m.wireBytes)
    #expect(m.wireBytes == 4 + (4 + 4 + 2) + (4 + 12) + 4)
    #expect(try TernaryMessage(decoding: bytes, rank: 3) == m)
    #expect(throws: CommunicationError.self) { try TernaryMessage(decoding: Array(bytes.dropLast()), rank: 3) }
    #expect(throws: CommunicationError.self) { try TernaryMessage(decoding: bytes + [0], rank: 3) }

    // Column scalers do not travel: 4 bytes for columns and block, then the codes.
    let codes: [Int8] = [1, 0, -1, -1, 0, 1, 1, 1, 0]
    let c = TernaryMessage(rank: 1, tensors: [.ternaryColumns(scalers: [0.5, 2], columns: 3, block: 2, count: 9, packed: TernaryMessage.pack(codes)), .float([7])])
    let cb = c.encoded()
    #expect(cb.count == c.wireBytes)
    #expect(c.wireBytes == 4 + (4 + 4 + 3) + (4 + 4))
    let decoded = try TernaryMessage(decoding: cb, rank: 1)
    #expect(decoded.tensors[0] == .ternaryColumns(scalers: [], columns: 3, block: 2, count: 9, packed: TernaryMessage.pack(codes)))
    #expect(decoded.tensors[1] == .float([7]))
    #expect(TernGrad.values(of: c.tensors[0]) == [0.5, 0, -2, -0.5, 0, 2, 0.5, 0.5, 0])
    #expect(throws: CommunicationError.self) { try TernaryMessage(decoding: Array(cb.dropLast(5)), rank: 1) }
  }

  @Test func settingsAndErrors() throws {
    let p = try TrainingPlugins.make("terngrad:workers=8,scaler=max,float-below=100,skip-output=1,clip=3")
    let t = try #require(p as? TernGrad)
    #expect(t.name == "terngrad" && t.workers == 8 && t.scaler == .max && t.floatBelow == 100 && t.skipOutput && t.clip == 3)
    let d = try TernGrad(PluginSpec(parsing: "terngrad"))
    #expect(d.workers == 4 && d.scaler == .sigma && d.floatBelow == 0 && !d.skipOutput)
    #expect(d.granularity == .column && d.block == 1)
    let c = try #require(try TrainingPlugins.make("terngrad:granularity=column,block=4") as? TernGrad)
    #expect(c.granularity == .column && c.block == 4)
    let e = try #require(try TrainingPlugins.make("terngrad:granularity=tensor") as? TernGrad)
    #expect(e.granularity == .tensor && e.floatBelow == 1024, "the behaviour before column scalers")
    for (text, field) in [
      ("terngrad:workers=0", "terngrad.workers"), ("terngrad:scaler=mean", "terngrad.scaler"), ("terngrad:floatbelow=3", "terngrad.floatbelow"),
      ("terngrad:skip-output=2", "terngrad.skip-output"), ("terngrad:granularity=row", "terngrad.granularity"), ("terngrad:block=0", "terngrad.block"),
    ] {
      do {
        _ = try TrainingPlugins.make(text)
        Issue.record("\(text) was accepted")
      } catch {
        #expect("\(error)".contains(field), "\(error)")
      }
    }
  }

  @Test func layoutKeepsSmallTensorsAndTheOutputLayerFloat() throws {
    let net = ShadowNetwork(topology: try Topology.resolve("mnist-5core"), style: .pytruenorth, seed: 1)
    let t = try TernGrad(PluginSpec(parsing: "terngrad:granularity=tensor,float-below=1024"))
    #expect(t.layout(for: net).map(\.ternary) == [true, false, true, false, true, false, true, false, true, false])
    #expect(t.layout(for: net).map(\.scalers) == [1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    let c = try TernGrad(PluginSpec(parsing: "terngrad:granularity=column,block=3,float-below=0"))
    // 64 neurons in blocks of 3: 22 scalers; 256 neurons: 86; leaks keep one scaler.
    #expect(c.layout(for: net).map(\.scalers) == [22, 1, 22, 1, 22, 1, 22, 1, 86, 1])
    #expect(c.layout(for: net).map(\.columns) == [64, 0, 64, 0, 64, 0, 64, 0, 256, 0])
    let skip = try TernGrad(PluginSpec(parsing: "terngrad:skip-output=1,granularity=tensor"))
    #expect(skip.layout(for: net).map(\.ternary) == [true, false, true, false, true, false, true, false, false, false])
  }

  /// 28 x 28 random images for the mnist-5core topology.
  static func mnistShaped(count: Int, seed: UInt64) -> ImageSet {
    var g = TeaRandom(seed: seed)
    return ImageSet(pixels: (0..<(count * 784)).map { _ in g.unitFloat() }, labels: (0..<count).map { _ in UInt8(g.below(10)) }, rows: 28, columns: 28)
  }

  /// Bytes per worker and iteration on mnist-5core (docs/terngrad.md). Defaults: header 4, ten
  /// tensor headers 40, four 256x64 cores (scaler + 4096 bytes) and one 256x256 core (scaler +
  /// 16384 bytes) ternary, 512 leaks as floats, five shared scalers.
  ///
  /// With `granularity=column` each connection tensor sends a 4-byte word (columns, block)
  /// instead of its scaler, and shares one scaler per block of columns: 64 / B per hidden core
  /// and 256 / B for the output core, 4 bytes each.
  @Test(arguments: [
    (",granularity=tensor,float-below=1024", 4 + 40 + 4 * (4 + 4096) + (4 + 16384) + 4 * 512 + 5 * 4), (",granularity=tensor,float-below=256", 33_948),
    (",granularity=tensor,float-below=0", 33_020), (",granularity=tensor,skip-output=1,float-below=1024", 280_652),
    (",granularity=column,float-below=0", 33_020 + 4 * 63 * 4 + 255 * 4), (",granularity=column,float-below=1024", 34_900 + 4 * 63 * 4 + 255 * 4),
    (",granularity=column,block=4,float-below=256", 33_948 + 4 * 15 * 4 + 63 * 4), ("", 35_048), (",granularity=tensor", 34_900),
  ])
  func bytesPerIterationOnMnist5Core(settings: String, bytes: Int) throws {
    let topology = try Topology.resolve("mnist-5core")
    let net = ShadowNetwork(topology: topology, style: .pytruenorth, seed: 1)
    let images = Self.mnistShaped(count: 16, seed: 2)
    var t = try TernGrad(PluginSpec(parsing: "terngrad:workers=4" + settings))
    let context = StepContext(step: 0, epoch: 0, seed: 1, batchSize: 16, learningRate: 0.01)
    for step in 0..<2 {
      var c = context
      c.step = step
      _ = try t.computeGradient(net, batch: MiniBatch(images: images, indices: Array(images.labels.indices)[...]), context: c)
    }
    let s = t.statistics
    #expect(s.iterations == 2 && s.workers == 4)
    #expect(s.bytesPerIteration == Double(bytes))
    #expect(s.float32BytesPerIteration == Double(4 * (4 * 256 * 64 + 256 * 256 + 512)))
    #expect(s.metricBytesSent == 2 * 4 * 16)
    if ["", ",granularity=tensor"].contains(settings) { #expect(s.compression >= 15) }
  }

  static let topology = smallNetwork(seed: 5).topology

  static func options(threads: Int, epochs: Int = 2) -> TrainingOptions {
    var o = TrainingOptions()
    o.topology = "small"
    o.epochs = epochs
    o.batchSize = 15  // shards of 5 for three workers, and a short last batch
    o.learningRate = 0.01
    o.seed = 77
    o.threads = threads
    return o
  }

  @Test func allFloatMatchesTheWholeBatchGradient() throws {
    let net = smallNetwork(seed: 5)
    let images = syntheticSet(count: 30, seed: 4)
    let batch = MiniBatch(images: images, indices: Array(images.labels.indices)[...])
    let whole = GradientEngine(topology: net.topology, capacity: 30, threads: 1, loss: .gaussian, softmaxScale: 1).lossAndGradient(net, on: batch)
    var t = TernGrad(communicator: InProcessCommunicator(workers: 4), floatBelow: .max)
    let result = try t.computeGradient(net, batch: batch, context: StepContext(step: 0, epoch: 0, seed: 1, batchSize: 30, learningRate: 0.01))
    let r = try #require(result)
    #expect(r.count == 30 && r.correct == whole.correct)
    #expect(abs(r.lossSum - whole.lossSum) < 1e-9 * max(1, abs(whole.lossSum)))
    var d = r.gradient
    d.add(whole.gradient, scale: -1)
    #expect(d.norm < 1e-5 * max(whole.gradient.norm, 1e-3))
  }

  @Test func reproducibleForAnyThreadCount() throws {
    let train = syntheticSet(count: 200, seed: 1)
    let validation = syntheticSet(count: 40, seed: 2)
    func run(threads: Int) throws -> Trainer {
      let t = Trainer(
        options: Self.options(threads: threads), topology: Self.topology, train: train, validation: validation,
        plugins: [TernGrad(communicator: InProcessCommunicator(workers: 3), floatBelow: 16), ClipParameters()])
      for _ in 0..<2 { try t.trainEpoch() }
      return t
    }
    let one = try run(threads: 1)
    let all = try run(threads: 0)
    #expect(one.network == all.network)
    #expect(one.optimizer == all.optimizer)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
    #expect(one.network != ShadowNetwork(topology: Self.topology, style: .pytruenorth, seed: 77), "training changed nothing")
    let stats = try #require(one.plugins[0] as? TernGrad).statistics
    #expect(stats.iterations == 2 * one.stepsPerEpoch)
    #expect(stats == (try #require(all.plugins[0] as? TernGrad)).statistics)

    // One plug-in step, directly: bit-identical gradients.
    let batch = MiniBatch(images: train, indices: Array(0..<15)[...])
    let context = StepContext(step: 7, epoch: 0, seed: 3, batchSize: 15, learningRate: 0.01, threads: 1)
    var a = TernGrad(communicator: InProcessCommunicator(workers: 3), floatBelow: 16)
    var b = a
    var c0 = context
    c0.threads = 0
    let ra = try a.computeGradient(one.network, batch: batch, context: context)
    let rb = try b.computeGradient(one.network, batch: batch, context: c0)
    let ga = try #require(ra), gb = try #require(rb)
    #expect(ga.gradient == gb.gradient)
    #expect(ga.lossSum == gb.lossSum)
    #expect(ga.correct == gb.correct)
  }

  @Test func resumedRunRepeatsExactly() throws {
    let train = syntheticSet(count: 100, seed: 1)
    let validation = syntheticSet(count: 20, seed: 2)
    func plugins() -> [any TrainingPlugin] { [TernGrad(communicator: InProcessCommunicator(workers: 2), floatBelow: 16), ClipParameters()] }
    let straight = Trainer(options: Self.options(threads: 1), topology: Self.topology, train: train, validation: validation, plugins: plugins())
    for _ in 0..<2 { try straight.trainEpoch() }
    let first = Trainer(options: Self.options(threads: 1), topology: Self.topology, train: train, validation: validation, plugins: plugins())
    try first.trainEpoch()
    let resumed = try Trainer(resuming: first.checkpoint, options: Self.options(threads: 0), train: train, validation: validation, plugins: plugins())
    try resumed.trainEpoch()
    #expect(resumed.network == straight.network)
  }

  /// Ranks that are threads each with its own trainer (its replica) and a communicator hosting
  /// only its rank, as separate processes would be; messages travel encoded.
  @Test(arguments: [TernGrad.Granularity.tensor, .column])
  func replicasInSeparateTrainersMatchTheInProcessRun(granularity: TernGrad.Granularity) throws {
    let train = syntheticSet(count: 90, seed: 1)
    let validation = syntheticSet(count: 20, seed: 2)
    let n = 2
    let inProcess = Trainer(
      options: Self.options(threads: 1), topology: Self.topology, train: train, validation: validation,
      plugins: [TernGrad(communicator: InProcessCommunicator(workers: n), floatBelow: 16, granularity: granularity, block: 2), ClipParameters()])
    for _ in 0..<2 { try inProcess.trainEpoch() }

    let hub = LoopbackHub(workers: n)
    let results = ResultBox(count: n)
    let threads = (0..<n).map { rank in
      Thread {
        let t = Trainer(
          options: Self.options(threads: 1), topology: Self.topology, train: train, validation: validation,
          plugins: [TernGrad(communicator: LoopbackCommunicator(hub: hub, rank: rank), floatBelow: 16, granularity: granularity, block: 2), ClipParameters()])
        for _ in 0..<2 {
          do { try t.trainEpoch() } catch { Issue.record("rank \(rank): \(error)") }
        }
        results.set(rank, t.network, bytes: (t.plugins[0] as? TernGrad)?.statistics)
      }
    }
    for t in threads { t.start() }
    results.wait()
    for r in 0..<n { #expect(results.networks[r] == inProcess.network, "replica \(r)") }
    let together = try #require(inProcess.plugins[0] as? TernGrad).statistics
    let alone = try #require(results.statistics[0])
    #expect(alone.bytesPerIteration == together.bytesPerIteration)
  }
}

/// A rendezvous of `workers` threads: each contributes a value and gets everyone's, in rank order.
final class LoopbackHub: @unchecked Sendable {
  let workers: Int
  let condition = NSCondition()
  var slots: [[UInt8]?]
  var arrived = 0
  var generation = 0
  var results: [[UInt8]] = []

  init(workers: Int) {
    self.workers = workers
    slots = Array(repeating: nil, count: workers)
  }

  func exchange(rank: Int, _ value: [UInt8]) -> [[UInt8]] {
    condition.lock()
    defer { condition.unlock() }
    let mine = generation
    slots[rank] = value
    arrived += 1
    if arrived == workers {
      results = slots.map { $0! }
      slots = Array(repeating: nil, count: workers)
      arrived = 0
      generation += 1
      condition.broadcast()
    } else {
      while generation == mine { condition.wait() }
    }
    return results
  }
}

/// A communicator hosting one rank, as one process of a multi-process group would; everything
/// crosses the hub as bytes.
final class LoopbackCommunicator: GradientCommunicator {
  let hub: LoopbackHub
  let rank: Int
  var statistics: CommunicationStatistics

  init(hub: LoopbackHub, rank: Int) {
    self.hub = hub
    self.rank = rank
    statistics = CommunicationStatistics(workers: 1)
  }

  var workers: Int { hub.workers }
  var localRanks: [Int] { [rank] }

  private func floats(_ v: [Float]) -> [UInt8] { v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } } }
  private func unfloats(_ b: [UInt8]) -> [Float] {
    stride(from: 0, to: b.count, by: 4).map { Float(bitPattern: UInt32(b[$0]) | UInt32(b[$0 + 1]) << 8 | UInt32(b[$0 + 2]) << 16 | UInt32(b[$0 + 3]) << 24) }
  }

  func allReduceMax(_ local: [[Float]]) throws(CommunicationError) -> [Float] {
    let all = hub.exchange(rank: rank, floats(local[0])).map(unfloats)
    statistics.scalerBytesSent += 4 * local[0].count
    return all.dropFirst().reduce(all[0]) { zip($0, $1).map { max($0, $1) } }
  }

  func allReduceSum(_ local: [[Double]]) throws(CommunicationError) -> [Double] {
    let bytes = local[0].flatMap { d in withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) } }
    let all = hub.exchange(rank: rank, bytes).map { b in
      stride(from: 0, to: b.count, by: 8).map { i in Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * UInt64($1)) }) }
    }
    statistics.metricBytesSent += 8 * local[0].count
    return all.dropFirst().reduce(all[0]) { zip($0, $1).map { $0 + $1 } }
  }

  func allGather(_ local: [TernaryMessage]) throws(CommunicationError) -> [TernaryMessage] {
    let bytes = local[0].encoded()
    let all = hub.exchange(rank: rank, bytes)
    statistics.iterations += 1
    statistics.gradientBytesSent += bytes.count
    statistics.float32Bytes += local[0].float32Bytes
    var out: [TernaryMessage] = []
    for (r, b) in all.enumerated() { out.append(try TernaryMessage(decoding: b, rank: r)) }
    return out
  }
}

/// The replicas' final networks, filled from their threads.
final class ResultBox: @unchecked Sendable {
  let done = NSCondition()
  var networks: [ShadowNetwork?]
  var statistics: [CommunicationStatistics?]
  var finished = 0

  init(count: Int) {
    networks = Array(repeating: nil, count: count)
    statistics = Array(repeating: nil, count: count)
  }

  func set(_ rank: Int, _ network: ShadowNetwork, bytes: CommunicationStatistics?) {
    done.lock()
    networks[rank] = network
    statistics[rank] = bytes
    finished += 1
    done.broadcast()
    done.unlock()
  }

  func wait() {
    done.lock()
    while finished < networks.count { done.wait() }
    done.unlock()
  }
}
