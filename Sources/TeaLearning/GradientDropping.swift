/// Gradient dropping (Aji and Heafield, EMNLP 2017; Lin et al., "Deep Gradient Compression",
/// ICLR 2018): data-parallel training in which every worker sends only the largest fraction
/// `keep` of each gradient tensor, as (index, value) pairs, and accumulates the rest locally as a
/// residual that joins the next step's gradient. The baseline TernGrad is compared with
/// (docs/terngrad.md); it runs on the same `GradientCommunicator`.
///
/// Per step, each rank `r` computes the gradient `g_r` of its shard (`MiniBatch.shard`) and, per
/// tensor (each core's connections and each core's leaks):
/// - without momentum: `v_r += g_r`;
/// - with `momentum` `m` (DGC's momentum correction): `u_r = m * u_r + g_r`, `v_r += u_r`;
///
/// then sends the `k = ceil(keep * count)` elements of largest `|v_r|` (ties: lower index) and
/// sets them to 0 in `v_r` (and, with momentum, in `u_r`: DGC's momentum factor masking). What is
/// sent plus what stays in `v_r` is exactly the accumulated `v_r`. Every replica applies the same
/// average `sum_r n_r * sent_r / sum_r n_r` (`n_r` the shard sizes), which the trainer's optimiser
/// then uses as the gradient.
///
/// The residuals (and momenta) of the local ranks are the plug-in's state; the checkpoint holds
/// them (`checkpointState`), so a resumed run repeats the straight one. Between processes each
/// process holds only its own ranks' residuals and only one writes the checkpoint: `TrainingRun`
/// refuses to resume such a run. Nothing is random: results are the same on any thread count.
///
/// `tnsim train --plugin gdrop:workers=4,keep=0.01[,momentum=0.9]` (docs/terngrad.md).
public struct GradientDropping: TrainingPlugin {
  /// The fraction of each tensor's elements sent per step.
  public var keep: Double
  /// DGC's momentum correction factor (0: plain gradient dropping).
  public var momentum: Float
  /// The workers' communicator.
  public let communicator: any GradientCommunicator
  /// Per-rank engines of the local ranks, made at the first step.
  var engines: [GradientEngine] = []
  /// Per local rank, per tensor (connections then leaks of each core): the residual `v`.
  public internal(set) var residuals: [[[Float]]] = []
  /// Per local rank, per tensor: the local momentum `u` (with `momentum > 0`).
  var velocities: [[[Float]]] = []
  /// The local ranks' messages of the last step (for tests).
  var lastMessages: [TernaryMessage] = []

  /// A gradient-dropping plug-in over `communicator`.
  /// - Parameters:
  ///   - communicator: the group of workers (`InProcessCommunicator(workers: N)` for threads).
  ///   - keep: the fraction of each tensor sent, in (0, 1].
  ///   - momentum: DGC's momentum correction factor in [0, 1) (0: none).
  public init(communicator: any GradientCommunicator, keep: Double = 0.01, momentum: Float = 0) {
    precondition(keep > 0 && keep <= 1 && momentum >= 0 && momentum < 1, "keep in (0, 1], momentum in [0, 1)")
    self.communicator = communicator
    self.keep = keep
    self.momentum = momentum
  }

  /// From `gdrop:workers=N,keep=F,momentum=M` (defaults: workers 4, keep 0.01, momentum 0), with
  /// an in-process communicator.
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range.
  public init(_ spec: PluginSpec) throws(PluginSpecError) {
    try spec.check(known: ["workers", "keep", "momentum"])
    let keep = try spec.double("keep", default: 0.01, in: 0...1)
    guard keep > 0 else { throw spec.badValue("keep", spec.value("keep") ?? "0", allowed: "give a fraction in (0, 1]") }
    self.init(
      communicator: InProcessCommunicator(workers: try spec.int("workers", default: 4, in: 1...256)), keep: keep,
      momentum: Float(try spec.double("momentum", default: 0, in: 0...0.999)))
  }

  /// `gdrop`.
  public var name: String { "gdrop" }

  /// Workers in the group.
  public var workers: Int { communicator.workers }

  /// The bytes the local workers sent and received so far, and the ratio to 32-bit gradients.
  public var statistics: CommunicationStatistics { communicator.statistics }

  /// Elements sent of a tensor of `count` elements: `ceil(keep * count)`, at least 1 (0 for an
  /// empty tensor).
  public func kept(of count: Int) -> Int {
    count == 0 ? 0 : min(count, max(1, Int((keep * Double(count)).rounded(.up))))
  }

  /// The step's data term: every local rank's shard gradient joins its residual, the largest
  /// entries are exchanged, and every rank gets their weighted average.
  /// - Throws: `CommunicationError` when the exchange with the other workers fails.
  public mutating func computeGradient(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws -> BatchGradient? {
    try exchange(network, batch: batch, context: context)
  }

  mutating func exchange(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws(CommunicationError) -> BatchGradient {
    let n = workers
    let ranks = communicator.localRanks
    prepare(network, batch: batch, context: context)
    let engines = self.engines, threads = context.threads
    let residuals = self.residuals, velocities = self.velocities
    let m = momentum
    let keptCounts = (0..<(2 * network.cores.count)).map { kept(of: Self.tensorCount($0, of: network)) }
    let local = _Parallel.map(ranks.count, threads: threads) { i in
      let r = engines[i].lossAndGradient(network, on: batch.shard(ranks[i], of: n), hiddenSpikes: context.hiddenSpikeSeed)
      var v = residuals[i]
      var u = velocities.isEmpty ? [] : velocities[i]
      var tensors: [TensorPayload] = []
      for t in v.indices {
        let g = t % 2 == 0 ? r.gradient.cores[t / 2].connections : r.gradient.cores[t / 2].leaks
        if m > 0 {
          for j in g.indices {
            u[t][j] = m * u[t][j] + g[j]
            v[t][j] += u[t][j]
          }
        } else {
          for j in g.indices { v[t][j] += g[j] }
        }
        let sent = Self.extractLargest(&v[t], count: keptCounts[t])
        if m > 0 { for j in sent.indices { u[t][Int(j)] = 0 } }
        tensors.append(.sparse(count: g.count, indices: sent.indices, values: sent.values))
      }
      return (metrics: [r.lossSum, Double(r.correct)], message: TernaryMessage(rank: ranks[i], tensors: tensors), residual: v, velocity: u)
    }
    self.residuals = local.map(\.residual)
    if m > 0 { self.velocities = local.map(\.velocity) }
    lastMessages = local.map(\.message)
    let all = try communicator.allGather(lastMessages)
    guard all.count == n, all.indices.allSatisfy({ all[$0].rank == $0 }) else {
      throw CommunicationError(operation: "allGather", message: "expected the \(n) ranks' messages in rank order")
    }
    let weights = (0..<n).map { batch.shard($0, of: n).count }
    let gradient = try TernGrad.average(all, weights: weights, threads: threads)
    let metrics = try communicator.allReduceSum(local.map(\.metrics))
    return BatchGradient(lossSum: metrics[0], correct: Int(metrics[1]), count: batch.count, gradient: gradient)
  }

  /// Elements of tensor `t` of `network`: the connections (even `t`) or leaks (odd `t`) of core `t / 2`.
  static func tensorCount(_ t: Int, of network: ShadowNetwork) -> Int {
    t % 2 == 0 ? network.cores[t / 2].connections.count : network.cores[t / 2].leaks.count
  }

  /// The local ranks (integers) and, per rank, the residual of every tensor (connections then
  /// leaks of each core), then, with momentum, the momenta in the same order; nil before the first
  /// step.
  public func checkpointState() -> PluginState? {
    guard !residuals.isEmpty else { return nil }
    return PluginState(name: name, integers: communicator.localRanks, arrays: (residuals + velocities).flatMap { $0 })
  }

  /// Takes back the residuals (and momenta) of the run being resumed.
  /// - Throws: `InputError` naming `file` when the checkpoint holds none (written before they were
  ///   saved), holds other ranks' than this process hosts, or arrays that do not fit `network` and
  ///   the momentum setting, or a NaN or infinite value.
  public mutating func restore(_ state: PluginState?, network: ShadowNetwork, file: String) throws(InputError) {
    let path = "pluginStates.gdrop"
    guard let state else {
      throw InputError(file: file, path: path, message: "missing: the checkpoint holds no residuals (written by an older tnsim); start a fresh run instead of resuming")
    }
    let ranks = communicator.localRanks
    guard state.integers == ranks else {
      throw InputError(file: file, path: path, message: "holds the residuals of ranks \(state.integers); this process runs ranks \(ranks); start a fresh run instead of resuming")
    }
    let tensors = 2 * network.cores.count
    let perRank = momentum > 0 ? 2 : 1
    guard state.arrays.count == perRank * ranks.count * tensors,
      state.arrays.indices.allSatisfy({ state.arrays[$0].count == Self.tensorCount($0 % tensors, of: network) })
    else {
      throw InputError(
        file: file, path: path,
        message: "holds \(state.arrays.count) arrays; \(ranks.count) ranks x \(tensors) tensors\(momentum > 0 ? " x 2 (residuals, momenta)" : "") of the network's sizes expected; resume with the same options or start a fresh run")
    }
    if let j = state.arrays.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
      throw InputError(file: file, path: "\(path).arrays[\(j)]", message: "holds a NaN or infinite value")
    }
    let rows = stride(from: 0, to: state.arrays.count, by: tensors).map { Array(state.arrays[$0..<($0 + tensors)]) }
    residuals = Array(rows[0..<ranks.count])
    velocities = momentum > 0 ? Array(rows[ranks.count...]) : []
  }

  /// Makes the engines of the local ranks and zero residuals (and momenta) at the first step.
  mutating func prepare(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) {
    let n = workers
    let ranks = communicator.localRanks
    let capacity = (batch.count + n - 1) / n
    if engines.count != ranks.count || engines.contains(where: { $0.capacity < capacity }) {
      let c = max(capacity, (context.batchSize + n - 1) / n)
      // As TernGrad: several local ranks run side by side on single-threaded engines.
      let engineThreads = ranks.count == 1 ? context.threads : 1
      engines = ranks.map { _ in
        GradientEngine(topology: network.topology, capacity: c, threads: engineThreads, loss: context.loss, softmaxScale: context.softmaxScale,
          hiddenDraws: context.hiddenDraws, teacher: context.teacher)
      }
    }
    if residuals.count != ranks.count {
      let zero = (0..<(2 * network.cores.count)).map { [Float](repeating: 0, count: Self.tensorCount($0, of: network)) }
      residuals = ranks.map { _ in zero }
      velocities = momentum > 0 ? residuals : []
    }
  }

  /// Removes the `count` entries of largest magnitude from `v` (ties: the lower index first) and
  /// returns them, indices ascending; they are 0 in `v` afterwards, so the returned values plus
  /// what is left in `v` are exactly the `v` given.
  /// - Complexity: O(n) on average (a selection, not a sort).
  public static func extractLargest(_ v: inout [Float], count k: Int) -> (indices: [UInt32], values: [Float]) {
    guard k > 0, !v.isEmpty else { return ([], []) }
    let k = min(k, v.count)
    var magnitudes = v.map { abs($0) }
    let threshold = kthLargest(&magnitudes, k)
    var above = 0
    for x in v where abs(x) > threshold { above += 1 }
    var ties = k - above
    var indices: [UInt32] = []
    var values: [Float] = []
    indices.reserveCapacity(k)
    values.reserveCapacity(k)
    for i in v.indices {
      let a = abs(v[i])
      guard a > threshold || (a == threshold && ties > 0) else { continue }
      if a == threshold { ties -= 1 }
      indices.append(UInt32(i))
      values.append(v[i])
      v[i] = 0
    }
    return (indices, values)
  }

  /// The `k`-th largest of `a` (1-based), by a selection that reorders `a`; the pivots are
  /// middle elements, so the result and the work depend only on the values.
  static func kthLargest(_ a: inout [Float], _ k: Int) -> Float {
    var lo = 0, hi = a.count - 1
    let target = k - 1  // position in descending order
    while lo < hi {
      let pivot = a[(lo + hi) / 2]
      var i = lo, j = hi
      while i <= j {
        while a[i] > pivot { i += 1 }
        while a[j] < pivot { j -= 1 }
        if i <= j {
          a.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if target <= j {
        hi = j
      } else if target >= i {
        lo = i
      } else {
        return a[target]
      }
    }
    return a[target]
  }
}
