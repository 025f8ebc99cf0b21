import Foundation

/// TernGrad (Wen et al., NIPS 2017): data-parallel training in which every worker sends its
/// gradient as stochastic ternary values, 2 bits per element plus one scaler per tensor.
///
/// `workers` ranks each compute the gradient of their shard of the mini-batch
/// (`MiniBatch.shard`) on their replica of the network. Per parameter tensor (each core's
/// connections and each core's leaks) every worker computes its scaler (`max|g|`, or with
/// `scaler: .sigma` the clipped `min(max|g|, clip * sigma(g))`), the workers share the maximum
/// scaler `s`, and each sends `s * sign(g) * b` with `b ~ Bernoulli(|g| / s)` (elements with
/// `|g| >= s` always send `+-s`): unbiased where nothing is clipped. Tensors with fewer than
/// `floatBelow` elements (and, with `skipOutput`, the output layer's) travel as 32-bit floats.
/// Every replica applies the same average: with equal shards each element is one of the
/// `2N + 1` levels `k * s / N`. Shards of unequal size (a short last batch) are weighted by
/// their sizes, so the average estimates the gradient of the whole batch's mean loss.
///
/// The workers talk only through a `GradientCommunicator`. With the default in-process
/// communicator the workers are threads; every replica equals the trainer's network, since
/// all start from it and apply the same averaged gradient, so the trainer's network serves as
/// all of them. Between processes, each process's trainer is its rank's replica and the plug-in
/// computes only the shards of the ranks its communicator hosts.
///
/// The randomness of rank `r` on tensor `t` at step `i` comes from the run's seed, `i`, `r` and
/// `t` alone, so results do not depend on threads and a resumed run repeats exactly.
public struct TernGrad: TrainingPlugin {
  /// How a worker picks its scaler for a tensor.
  public enum Scaler: String, Sendable, CaseIterable {
    /// `max|g|`: no clipping.
    case max
    /// `min(max|g|, clip * sigma(g))`: the paper's gradient clipping (`clip` 2.5).
    case sigma
  }

  /// How many scalers a ternary tensor gets.
  public enum Granularity: String, Sendable, CaseIterable {
    /// One scaler per tensor.
    case tensor
    /// One scaler per block of `block` neuron columns of each core's connections (leaks keep
    /// one scaler per tensor).
    case column
  }

  /// How a tensor travels.
  public struct TensorLayout: Sendable, Equatable {
    /// Elements.
    public var count: Int
    /// Ternary (else 32-bit floats).
    public var ternary: Bool
    /// Columns of the row-major tensor when it has one scaler per block of columns, else 0.
    public var columns: Int = 0
    /// Adjacent columns sharing a scaler (with `columns > 0`).
    public var block: Int = 1

    /// Scalers of the tensor: 0 for a float tensor, 1 per tensor, or one per block of columns.
    public var scalers: Int { !ternary ? 0 : columns > 0 ? (columns + block - 1) / block : 1 }
  }

  /// The scaler rule.
  public var scaler: Scaler
  /// The clipping factor `c` of `.sigma`.
  public var clip: Float
  /// Tensors with fewer elements than this stay float.
  public var floatBelow: Int
  /// The output layer's tensors stay float.
  public var skipOutput: Bool
  /// Scalers per tensor or per block of columns.
  public var granularity: Granularity
  /// Neuron columns per scaler with `.column`.
  public var block: Int
  /// The workers' communicator.
  public let communicator: any GradientCommunicator
  /// Per-rank engines of the local ranks, made at the first step.
  var engines: [GradientEngine] = []
  /// How each tensor travels, from the network at `begin` (or the first step).
  var plan: [TensorLayout] = []

  /// A TernGrad plug-in over `communicator`.
  /// - Parameters:
  ///   - communicator: the group of workers (`InProcessCommunicator(workers: N)` for threads).
  ///   - scaler: the scaler rule.
  ///   - clip: the clipping factor of `.sigma`.
  ///   - floatBelow: tensors smaller than this travel as floats (`nil`:
  ///     `defaultFloatBelow(granularity)`).
  ///   - skipOutput: the output layer's tensors travel as floats.
  ///   - granularity: one scaler per tensor, or per block of neuron columns of the connections.
  ///   - block: neuron columns per scaler with `.column`.
  public init(
    communicator: any GradientCommunicator, scaler: Scaler = .sigma, clip: Float = 2.5, floatBelow: Int? = nil, skipOutput: Bool = false,
    granularity: Granularity = defaultGranularity, block: Int = 1
  ) {
    precondition(block >= 1 && block <= 65_535, "block out of range")
    self.communicator = communicator
    self.scaler = scaler
    self.clip = clip
    self.floatBelow = floatBelow ?? Self.defaultFloatBelow(granularity)
    self.skipOutput = skipOutput
    self.granularity = granularity
    self.block = block
  }

  /// From `terngrad:workers=N,scaler=max|sigma,clip=C,float-below=E,skip-output=0|1,
  /// granularity=tensor|column,block=B` (defaults: workers 4, scaler sigma, clip 2.5, granularity
  /// column, block 1, float-below 0 with column and 1024 with tensor, skip-output 0), with an
  /// in-process communicator.
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range.
  public init(_ spec: PluginSpec) throws(PluginSpecError) {
    try spec.check(known: ["workers", "scaler", "clip", "float-below", "skip-output", "granularity", "block"])
    let workers = try spec.int("workers", default: 4, in: 1...256)
    let scaler = Scaler(rawValue: try spec.choice("scaler", default: "sigma", from: Scaler.allCases.map(\.rawValue)))!
    let granularity = Granularity(rawValue: try spec.choice("granularity", default: Self.defaultGranularity.rawValue, from: Granularity.allCases.map(\.rawValue)))!
    self.init(
      communicator: InProcessCommunicator(workers: workers), scaler: scaler, clip: Float(try spec.double("clip", default: 2.5, in: 0.1...1000)),
      floatBelow: try spec.int("float-below", default: Self.defaultFloatBelow(granularity), in: 0...Int(Int32.max)),
      skipOutput: try spec.int("skip-output", default: 0, in: 0...1) == 1, granularity: granularity, block: try spec.int("block", default: 1, in: 1...65_535))
  }

  /// The default granularity: one scaler per neuron column, which trains closest to float on
  /// mnist-5core (docs/terngrad.md).
  public static let defaultGranularity = Granularity.column
  /// The default `float-below` for `granularity`: 0 with `.column` (the leaks are ternarised too,
  /// which pays for the column scalers and keeps mnist-5core at 15x fewer bytes), 1024 with
  /// `.tensor` (the leaks stay float, as before column scalers existed).
  public static func defaultFloatBelow(_ granularity: Granularity) -> Int { granularity == .column ? 0 : 1024 }

  /// `terngrad`.
  public var name: String { "terngrad" }

  /// Workers in the group.
  public var workers: Int { communicator.workers }

  /// The bytes the local workers sent and received so far, and the ratio to 32-bit gradients.
  public var statistics: CommunicationStatistics { communicator.statistics }

  /// How each tensor of `network` travels: connections then leaks of each core, in core order.
  public func layout(for network: ShadowNetwork) -> [TensorLayout] {
    let outputStart = network.layerStarts.dropLast().last ?? 0
    var out: [TensorLayout] = []
    for (k, core) in network.cores.enumerated() {
      let keepFloat = skipOutput && k >= outputStart
      for (j, count) in [core.connections.count, core.leaks.count].enumerated() {
        var t = TensorLayout(count: count, ternary: !keepFloat && count >= floatBelow && count > 0)
        if t.ternary && j == 0 && granularity == .column && core.neurons > 0 {
          t.columns = core.neurons
          t.block = Swift.min(block, core.neurons)
        }
        out.append(t)
      }
    }
    return out
  }

  /// Plans how each tensor travels, from the starting network.
  public mutating func begin(initial: ShadowNetwork, context: StepContext) {
    plan = layout(for: initial)
  }

  /// The step's data term, computed by the workers and averaged from their ternary messages.
  /// - Throws: `CommunicationError` when the exchange with the other workers fails (a lost peer
  ///   or messages that do not fit), which ends the run.
  public mutating func computeGradient(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws -> BatchGradient? {
    try exchange(network, batch: batch, context: context)
  }

  /// One step: every local rank's shard gradient, the shared scalers, the ternary messages, and
  /// the average of everyone's messages.
  mutating func exchange(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws(CommunicationError) -> BatchGradient {
    let n = workers
    let ranks = communicator.localRanks
    prepareEngines(network, batch: batch, context: context)
    if plan.count != 2 * network.cores.count { plan = layout(for: network) }
    let layout = plan
    let engines = self.engines
    let threads = context.threads
    let local = _Parallel.map(ranks.count, threads: threads) { i in engines[i].lossAndGradient(network, on: batch.shard(ranks[i], of: n), hiddenSpikes: context.hiddenSpikeSeed) }
    let (shared, offsets) = try sharedScalers(of: local.map(\.gradient), layout: layout, threads: threads)
    let messages = _Parallel.map(ranks.count, threads: threads) { i in
      Self.message(of: local[i].gradient, rank: ranks[i], layout: layout, shared: shared, offsets: offsets, context: context)
    }
    let all = try gather(messages, layout: layout, shared: shared, offsets: offsets)
    let weights = (0..<n).map { batch.shard($0, of: n).count }
    let gradient = try Self.average(all, weights: weights, threads: threads)
    let metrics = try communicator.allReduceSum(local.map { [$0.lossSum, Double($0.correct)] })
    return BatchGradient(lossSum: metrics[0], correct: Int(metrics[1]), count: batch.count, gradient: gradient)
  }

  /// Makes one engine per local rank, large enough for this batch's shards (and the run's).
  mutating func prepareEngines(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) {
    let n = workers
    let ranks = communicator.localRanks
    let capacity = (batch.count + n - 1) / n
    guard engines.count != ranks.count || engines.contains(where: { $0.capacity < capacity }) else { return }
    let c = max(capacity, (context.batchSize + n - 1) / n)
    // Several local ranks run side by side on single-threaded engines; a lone local rank (one
    // rank per process) uses the run's threads itself.
    let engineThreads = ranks.count == 1 ? context.threads : 1
    engines = ranks.map { _ in
      GradientEngine(topology: network.topology, capacity: c, threads: engineThreads, loss: context.loss, softmaxScale: context.softmaxScale,
          hiddenDraws: context.hiddenDraws, teacher: context.teacher)
    }
  }

  /// The local ranks' scalers of every ternary tensor, reduced to the maximum over all ranks,
  /// and where each tensor's shared scalers start in them.
  func sharedScalers(of gradients: [ParameterGradient], layout: [TensorLayout], threads: Int) throws(CommunicationError)
    -> (shared: [Float], offsets: [Int])
  {
    let ternary = layout.indices.filter { layout[$0].ternary }
    let scalerRule = scaler, clip = clip
    let scalers = _Parallel.map(gradients.count, threads: threads) { i in
      ternary.flatMap { t in
        let g = Self.tensor(t, of: gradients[i])
        return layout[t].columns > 0
          ? Self.columnScalers(of: g, columns: layout[t].columns, block: layout[t].block, rule: scalerRule, clip: clip)
          : [Self.scaler(of: g, rule: scalerRule, clip: clip)]
      }
    }
    let shared = try communicator.allReduceMax(scalers)
    var offsets = [Int](repeating: 0, count: layout.count)
    var next = 0
    for t in layout.indices {
      offsets[t] = next
      next += layout[t].scalers
    }
    guard next == shared.count else { throw CommunicationError(operation: "allReduceMax", message: "\(shared.count) scalers for \(next)") }
    return (shared, offsets)
  }

  /// Rank `rank`'s message: each tensor of `gradient` ternarised with the shared scalers, or
  /// as floats.
  static func message(of gradient: ParameterGradient, rank: Int, layout: [TensorLayout], shared: [Float], offsets: [Int], context: StepContext)
    -> TernaryMessage
  {
    var tensors: [TensorPayload] = []
    for t in layout.indices {
      let g = tensor(t, of: gradient)
      let l = layout[t]
      guard l.ternary else {
        tensors.append(.float(g))
        continue
      }
      var generator = Self.random(seed: context.seed, step: context.step, rank: rank, tensor: t)
      if l.columns > 0 {
        let s = Array(shared[offsets[t]..<(offsets[t] + l.scalers)])
        let codes = ternarise(g, scalers: s, columns: l.columns, block: l.block, random: &generator)
        tensors.append(.ternaryColumns(scalers: s, columns: l.columns, block: l.block, count: g.count, packed: TernaryMessage.pack(codes)))
      } else {
        let s = shared[offsets[t]]
        tensors.append(.ternary(scaler: s, count: g.count, packed: TernaryMessage.pack(ternarise(g, scaler: s, random: &generator))))
      }
    }
    return TernaryMessage(rank: rank, tensors: tensors)
  }

  /// Every rank's message in rank order, with the shared column scalers attached (they do not
  /// travel with the messages).
  func gather(_ messages: [TernaryMessage], layout: [TensorLayout], shared: [Float], offsets: [Int]) throws(CommunicationError) -> [TernaryMessage] {
    let n = workers
    var all = try communicator.allGather(messages)
    guard all.count == n, all.indices.allSatisfy({ all[$0].rank == $0 }) else {
      throw CommunicationError(operation: "allGather", message: "expected the \(n) ranks' messages in rank order")
    }
    for r in all.indices {
      guard all[r].tensors.count == layout.count else { throw CommunicationError(operation: "allGather", message: "rank \(r) sent \(all[r].tensors.count) tensors") }
      for t in layout.indices {
        if case .ternaryColumns(_, let columns, let block, let count, let packed) = all[r].tensors[t] {
          guard columns == layout[t].columns, block == layout[t].block else {
            throw CommunicationError(operation: "allGather", message: "rank \(r) sent tensor \(t) with other column blocks")
          }
          let s = Array(shared[offsets[t]..<(offsets[t] + layout[t].scalers)])
          all[r].tensors[t] = .ternaryColumns(scalers: s, columns: columns, block: block, count: count, packed: packed)
        }
      }
    }
    return all
  }

  /// Tensor `t` of `g`: the connections (even `t`) or the leaks (odd `t`) of core `t / 2`.
  static func tensor(_ t: Int, of g: ParameterGradient) -> [Float] {
    t % 2 == 0 ? g.cores[t / 2].connections : g.cores[t / 2].leaks
  }

  /// A worker's scaler for tensor `g`: `max|g|`, or for `.sigma` at most `clip` standard
  /// deviations of `g` (0 for an empty tensor).
  public static func scaler(of g: [Float], rule: Scaler, clip: Float = 2.5) -> Float {
    guard !g.isEmpty else { return 0 }
    var largest: Float = 0
    for v in g { largest = Swift.max(largest, abs(v)) }
    guard rule == .sigma else { return largest }
    var sum = 0.0, squares = 0.0
    for v in g {
      sum += Double(v)
      squares += Double(v) * Double(v)
    }
    let mean = sum / Double(g.count)
    let sigma = Swift.max(squares / Double(g.count) - mean * mean, 0).squareRoot()
    return Swift.min(largest, clip * Float(sigma))
  }

  /// A worker's scalers for the row-major tensor `g` of `columns` columns: one per block of
  /// `block` adjacent columns (the last block may be narrower), each by `rule` over that block's
  /// elements as `scaler(of:rule:clip:)` computes it.
  public static func columnScalers(of g: [Float], columns: Int, block: Int, rule: Scaler, clip: Float = 2.5) -> [Float] {
    precondition(columns > 0 && block > 0 && g.count % columns == 0, "not a tensor of \(columns) columns")
    let groups = (columns + block - 1) / block
    var largest = [Float](repeating: 0, count: groups)
    var sum = [Double](repeating: 0, count: groups), squares = [Double](repeating: 0, count: groups), counts = [Int](repeating: 0, count: groups)
    for row in stride(from: 0, to: g.count, by: columns) {
      for c in 0..<columns {
        let v = g[row + c], k = c / block
        largest[k] = Swift.max(largest[k], abs(v))
        sum[k] += Double(v)
        squares[k] += Double(v) * Double(v)
      }
    }
    for c in 0..<columns { counts[c / block] += g.count / columns }
    guard rule == .sigma else { return largest }
    return (0..<groups).map { k in
      guard counts[k] > 0 else { return 0 }
      let mean = sum[k] / Double(counts[k])
      let sigma = Swift.max(squares[k] / Double(counts[k]) - mean * mean, 0).squareRoot()
      return Swift.min(largest[k], clip * Float(sigma))
    }
  }

  /// Stochastic ternary codes of the row-major tensor `g` of `columns` columns, element `i` with
  /// scaler `scalers[(i % columns) / block]`, as `ternarise(_:scaler:random:)` draws them (one
  /// random number per element, in element order).
  public static func ternarise(_ g: [Float], scalers: [Float], columns: Int, block: Int, random: inout TeaRandom) -> [Int8] {
    precondition(columns > 0 && block > 0 && g.count % columns == 0 && scalers.count == (columns + block - 1) / block, "scalers do not fit the tensor")
    var codes = [Int8](repeating: 0, count: g.count)
    for row in stride(from: 0, to: g.count, by: columns) {
      for c in 0..<columns {
        let v = g[row + c], s = scalers[c / block]
        let u = s * random.unitFloat()
        if s > 0 && u < abs(v) { codes[row + c] = v > 0 ? 1 : -1 }
      }
    }
    return codes
  }

  /// Stochastic ternary codes of `g` for scaler `s`: `sign(g)` with probability `|g| / s` (always
  /// when `|g| >= s`), else 0; `s * code` is an unbiased estimate of `g` where `|g| <= s`.
  /// - Complexity: one random number per element.
  public static func ternarise(_ g: [Float], scaler s: Float, random: inout TeaRandom) -> [Int8] {
    var codes = [Int8](repeating: 0, count: g.count)
    guard s > 0 else { return codes }
    for (i, v) in g.enumerated() {
      // b = (U(0, s) < |g|): a comparison instead of a division.
      let u = s * random.unitFloat()
      if u < abs(v) { codes[i] = v > 0 ? 1 : -1 }
    }
    return codes
  }

  /// The generator of rank `rank` for tensor `tensor` at step `step` of the run seeded `seed`.
  public static func random(seed: UInt64, step: Int, rank: Int, tensor: Int) -> TeaRandom {
    var g = TeaRandom(seed: seed, stream: 0x7E26_6AD0_0000_0000 &+ UInt64(step))
    return TeaRandom(seed: g.next(), stream: UInt64(rank) << 32 | UInt64(tensor))
  }

  /// The weighted average `sum_r weights[r] * message_r / sum_r weights[r]` of the ranks'
  /// messages, as a gradient of cores (tensors in pairs: connections, leaks). With equal weights
  /// and a shared scaler `s` each ternary element is one of the levels `k * s / N`.
  /// - Throws: `CommunicationError` when the messages disagree on the tensors.
  public static func average(_ messages: [TernaryMessage], weights: [Int], threads: Int = 0) throws(CommunicationError) -> ParameterGradient {
    guard let first = messages.first, weights.count == messages.count, first.tensors.count % 2 == 0 else {
      throw CommunicationError(operation: "average", message: "no messages, or not one weight per message, or an odd tensor count")
    }
    for m in messages {
      guard m.tensors.count == first.tensors.count, zip(m.tensors, first.tensors).allSatisfy({ $0.count == $1.count }) else {
        throw CommunicationError(operation: "average", message: "rank \(m.rank) sent tensors of other shapes than rank \(first.rank)")
      }
      for p in m.tensors {
        if case .ternaryColumns(let scalers, let columns, let block, let count, _) = p {
          guard columns > 0, block > 0, count % columns == 0, scalers.count == (columns + block - 1) / block else {
            throw CommunicationError(operation: "average", message: "rank \(m.rank): column scalers missing or not fitting the tensor")
          }
        }
      }
    }
    let total = weights.reduce(0, +)
    let tensors = _Parallel.map(first.tensors.count, threads: threads) { t in
      averageTensor(messages.map { $0.tensors[t] }, weights: weights, total: total)
    }
    return ParameterGradient(cores: stride(from: 0, to: tensors.count, by: 2).map { CoreGradient(connections: tensors[$0], leaks: tensors[$0 + 1]) })
  }

  /// One tensor's weighted average. Ternary parts with one common scaler are summed as integers
  /// first, so equal weights give exact multiples of `s / N` up to one rounding.
  static func averageTensor(_ parts: [TensorPayload], weights: [Int], total: Int) -> [Float] {
    if case .ternaryColumns = parts[0] { return averageColumns(parts, weights: weights, total: total) }
    let count = parts[0].count
    var out = [Float](repeating: 0, count: count)
    guard total > 0 else { return out }
    var levels = [Int32](repeating: 0, count: count)
    var common: Float? = nil
    var uniform = true
    for p in parts {
      guard case .ternary(let s, _, _) = p else { continue }
      if common == nil { common = s } else if common != s { uniform = false }
    }
    for (p, w) in zip(parts, weights) where w > 0 {
      switch p {
      case .float(let values):
        let f = Float(w) / Float(total)
        for i in 0..<count { out[i] += f * values[i] }
      case .sparse(_, let indices, let values):
        let f = Float(w) / Float(total)
        for (i, v) in zip(indices, values) { out[Int(i)] += f * v }
      case .ternaryColumns(let scalers, let columns, let block, _, let packed):
        var codes = [Int32](repeating: 0, count: count)
        accumulateCodes(packed, count: count, weight: 1, into: &codes)
        let f = Float(w) / Float(total)
        for i in 0..<count where codes[i] != 0 { out[i] += f * scalers[(i % columns) / block] * Float(codes[i]) }
      case .ternary(let s, _, let packed):
        if uniform {
          accumulateCodes(packed, count: count, weight: Int32(w), into: &levels)
        } else {
          var codes = [Int32](repeating: 0, count: count)
          accumulateCodes(packed, count: count, weight: 1, into: &codes)
          let f = s * Float(w) / Float(total)
          for i in 0..<count { out[i] += f * Float(codes[i]) }
        }
      }
    }
    if uniform, let s = common {
      let f = s / Float(total)
      for i in 0..<count where levels[i] != 0 { out[i] += Float(levels[i]) * f }
    }
    return out
  }

  /// The weighted average of a tensor with column scalers. When every part is `ternaryColumns`
  /// with the same scalers and blocks (the shared ones), the codes are summed as integers first,
  /// so equal weights give exact multiples of each column's `s / N`; other parts are scaled one
  /// by one.
  static func averageColumns(_ parts: [TensorPayload], weights: [Int], total: Int) -> [Float] {
    guard case .ternaryColumns(let scalers, let columns, let block, let count, _) = parts[0] else { return [] }
    let uniform = parts.allSatisfy {
      if case .ternaryColumns(let s, let c, let b, _, _) = $0 { s == scalers && c == columns && b == block } else { false }
    }
    guard uniform else {
      let replaced = parts.map { p -> TensorPayload in
        guard case .ternaryColumns = p else { return p }
        return .float(Self.values(of: p))
      }
      return averageTensor(replaced, weights: weights, total: total)
    }
    var out = [Float](repeating: 0, count: count)
    guard total > 0 else { return out }
    var levels = [Int32](repeating: 0, count: count)
    for (p, w) in zip(parts, weights) where w > 0 {
      if case .ternaryColumns(_, _, _, _, let packed) = p { accumulateCodes(packed, count: count, weight: Int32(w), into: &levels) }
    }
    let f = scalers.map { $0 / Float(total) }
    for row in stride(from: 0, to: count, by: columns) {
      for c in 0..<columns where levels[row + c] != 0 { out[row + c] = Float(levels[row + c]) * f[c / block] }
    }
    return out
  }

  /// The values a payload stands for.
  static func values(of p: TensorPayload) -> [Float] {
    switch p {
    case .float(let v): return v
    case .sparse(let count, let indices, let values):
      var out = [Float](repeating: 0, count: count)
      for (i, v) in zip(indices, values) { out[Int(i)] = v }
      return out
    case .ternary(let s, let count, let packed):
      var codes = [Int32](repeating: 0, count: count)
      accumulateCodes(packed, count: count, weight: 1, into: &codes)
      return codes.map { s * Float($0) }
    case .ternaryColumns(let scalers, let columns, let block, let count, let packed):
      var codes = [Int32](repeating: 0, count: count)
      accumulateCodes(packed, count: count, weight: 1, into: &codes)
      return codes.indices.map { codes[$0] == 0 ? 0 : scalers[($0 % columns) / block] * Float(codes[$0]) }
    }
  }

  /// Adds `weight * code` of each packed element to `sums` (code 3, never sent, counts as 0).
  static func accumulateCodes(_ packed: [UInt8], count: Int, weight: Int32, into sums: inout [Int32]) {
    let value: [Int32] = [0, weight, -weight, 0]
    for i in 0..<count {
      sums[i] += value[Int((packed[i >> 2] >> UInt8(2 * (i & 3))) & 3)]
    }
  }
}
