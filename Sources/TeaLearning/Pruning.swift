/// Magnitude pruning (Han et al., "Learning both weights and connections for efficient neural
/// networks", NIPS 2015), the unstructured baseline of SSL: remove the connections of smallest
/// magnitude, fine-tune the rest, and repeat, `steps` times, until each layer has the sparsity
/// asked for. Pruned connections are masked: set to exactly 0, their gradient zeroed, and kept at
/// 0 after every step.
///
/// A connection's magnitude is its expected synaptic weight `c * |s|`: the probability `c` times
/// the magnitude of the integer weight `s` its axon type selects in its neuron's table (ties go to
/// the lower flat index, so the choice never depends on the thread count). Step `j` of `steps`
/// brings layer `l` to `round(sparsity[l] * j / steps * connections[l])` pruned connections (the
/// last step to exactly `round(sparsity[l] * connections[l])`), pruning only connections not yet
/// pruned. Step 1 prunes the network the run starts from (usually a trained network given with
/// `--init`, as in Han et al.: train, prune, retrain); step `j` happens after the first mini-batch of
/// epoch `(j - 1) * every`; the epochs after the last step fine-tune the survivors.
///
/// The mask and the steps taken are the plug-in's state; the checkpoint holds them
/// (`checkpointState`), so a resumed run prunes exactly as the straight one.
///
/// `tnsim train --init dense.json --plugin prune:sparsity=0.9,steps=3,every=1 --epochs 5`
/// (docs/plugins.md).
public struct MagnitudePruning: TrainingPlugin, Sendable {
  /// The fraction of connections pruned in the end, per layer (the last one repeats for deeper
  /// layers).
  public var sparsity: [Double]
  /// Pruning steps.
  public var steps: Int
  /// Epochs between pruning steps.
  public var every: Int

  /// Pruning steps done.
  public private(set) var stage = 0
  /// Whether each connection (flat, in core order) is pruned.
  public private(set) var pruned: [Bool] = []

  /// A pruning plug-in.
  /// - Parameters:
  ///   - sparsity: the final fraction pruned per layer (last repeats), each in 0...1.
  ///   - steps: pruning steps (at least 1).
  ///   - every: epochs between steps (at least 1).
  public init(sparsity: [Double], steps: Int = 3, every: Int = 1) {
    precondition(!sparsity.isEmpty && sparsity.allSatisfy { (0...1).contains($0) }, "sparsity must lie in 0...1")
    precondition(steps >= 1 && every >= 1, "steps and every must be at least 1")
    self.sparsity = sparsity
    self.steps = steps
    self.every = every
  }

  /// From `prune:sparsity=S[/S...],steps=K,every=E` (defaults: sparsity 0.5, steps 3, every 1).
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range.
  public init(_ spec: PluginSpec) throws(PluginSpecError) {
    try spec.check(known: ["sparsity", "steps", "every"])
    self.init(
      sparsity: try spec.doubles("sparsity", default: [0.5], in: 0...1), steps: try spec.int("steps", default: 3, in: 1...1000),
      every: try spec.int("every", default: 1, in: 1...100_000))
  }

  /// `prune`.
  public var name: String { "prune" }

  /// Epochs a run needs for every pruning step to happen: `(steps - 1) * every + 1`.
  public var epochsNeeded: Int { (steps - 1) * every + 1 }

  /// The pruning step due in `epoch` (0-based): 1 in the first `every` epochs, up to `steps`.
  public func stageDue(epoch: Int) -> Int { min(steps, epoch / every + 1) }

  /// How many connections of a layer of `count` connections are pruned after step `j`.
  public func target(layer l: Int, count: Int, stage j: Int) -> Int {
    let s = sparsity[min(l, sparsity.count - 1)]
    let x = j >= steps ? s * Double(count) : s * Double(count) * Double(j) / Double(steps)
    return min(count, Int(x.rounded()))
  }

  /// Prunes the network a fresh run starts from (step 1).
  public mutating func prepare(_ network: inout ShadowNetwork) {
    stage = 0
    pruned = [Bool](repeating: false, count: network.cores.reduce(0) { $0 + $1.connections.count })
    prune(&network, to: 1)
  }

  /// Makes the mask when `prepare` was not called (a trainer made with this plug-in always calls it).
  public mutating func begin(initial: ShadowNetwork, context: StepContext) {
    guard pruned.isEmpty else { return }
    var network = initial
    prepare(&network)
  }

  /// Zeroes the gradient of the pruned connections.
  public mutating func transformGradient(_ gradient: inout ParameterGradient, network: ShadowNetwork, context: StepContext) {
    forEachPruned(network) { k, i in gradient.cores[k].connections[i] = 0 }
  }

  /// Takes the pruning step due in this epoch, if not taken yet, and keeps every pruned connection 0.
  public mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext) {
    if pruned.isEmpty { begin(initial: network, context: context) }
    let due = stageDue(epoch: context.epoch)
    if due > stage { prune(&network, to: due) }
    var cores = network.cores
    forEachPruned(network) { k, i in cores[k].connections[i] = 0 }
    network.cores = cores
  }

  /// Prunes every layer of `network` to its target after step `j`: the smallest unpruned
  /// connections by `c * |s|` (ties: lower flat index) join the pruned ones and are set to 0.
  mutating func prune(_ network: inout ShadowNetwork, to j: Int) {
    guard j > stage else { return }
    let starts = network.layerStarts
    var offsets = [0]
    for c in network.cores { offsets.append(offsets.last! + c.connections.count) }
    for l in 0..<(starts.count - 1) {
      var candidates: [(magnitude: Float, core: Int, index: Int)] = []
      var already = 0
      for k in starts[l]..<starts[l + 1] {
        let c = network.cores[k]
        for a in 0..<c.axons {
          for n in 0..<c.neurons {
            let i = a * c.neurons + n
            if pruned[offsets[k] + i] {
              already += 1
            } else {
              candidates.append((abs(c.connections[i]) * Float(abs(c.weight(axon: a, neuron: n))), k, i))
            }
          }
        }
      }
      let more = target(layer: l, count: already + candidates.count, stage: j) - already
      guard more > 0 else { continue }
      // Candidates are in flat order, so a stable sort by magnitude breaks ties by index.
      let chosen = candidates.enumerated().sorted { ($0.element.magnitude, $0.offset) < ($1.element.magnitude, $1.offset) }.prefix(more)
      for (_, c) in chosen {
        pruned[offsets[c.core] + c.index] = true
        network.cores[c.core].connections[c.index] = 0
      }
    }
    stage = j
  }

  /// The steps taken and the mask (1 for a pruned connection, 0 for a kept one, in flat order).
  public func checkpointState() -> PluginState? {
    pruned.isEmpty ? nil : PluginState(name: name, integers: [stage], arrays: [pruned.map { $0 ? 1 : 0 }])
  }

  /// Takes back the steps taken and the mask of the run being resumed.
  /// - Throws: `InputError` naming `file` when the checkpoint holds no mask (written before masks
  ///   were saved), or the mask does not fit `network`, the stage or the sparsity asked for, or a
  ///   pruned connection of `network` is not 0.
  public mutating func restore(_ state: PluginState?, network: ShadowNetwork, file: String) throws(InputError) {
    let path = "pluginStates.prune"
    guard let state else {
      throw InputError(file: file, path: path, message: "missing: the checkpoint holds no pruning mask (written by an older tnsim); start a fresh run instead of resuming")
    }
    let count = network.cores.reduce(0) { $0 + $1.connections.count }
    guard state.integers.count == 1, (1...steps).contains(state.integers[0]), state.arrays.count == 1, state.arrays[0].count == count,
      state.arrays[0].allSatisfy({ $0 == 0 || $0 == 1 })
    else {
      throw InputError(
        file: file, path: path, message: "is not a stage in 1...\(steps) and a mask of \(count) zeros and ones; resume with the same options or start a fresh run")
    }
    var restored = self
    restored.stage = state.integers[0]
    restored.pruned = state.arrays[0].map { $0 == 1 }
    for (l, p) in restored.prunedPerLayer(network).enumerated() where p.pruned != target(layer: l, count: p.total, stage: restored.stage) {
      throw InputError(
        file: file, path: path,
        message: "layer \(l) has \(p.pruned) pruned connections; step \(restored.stage) of \(sparsityText) prunes \(target(layer: l, count: p.total, stage: restored.stage))")
    }
    var nonzero: (Int, Int)? = nil
    restored.forEachPruned(network) { k, i in if nonzero == nil && network.cores[k].connections[i] != 0 { nonzero = (k, i) } }
    if let (k, i) = nonzero {
      throw InputError(file: file, path: "cores[\(k)].connections[\(i)]", message: "is \(network.cores[k].connections[i]) but pruned; allowed: 0")
    }
    self = restored
  }

  /// The sparsity setting as given (`0.9/0.5`).
  var sparsityText: String { "sparsity=" + sparsity.map { "\($0)" }.joined(separator: "/") }

  /// Calls `body(core, index)` for every pruned connection of `network`, in flat order.
  func forEachPruned(_ network: ShadowNetwork, _ body: (Int, Int) -> Void) {
    guard !pruned.isEmpty else { return }
    var offset = 0
    for k in network.cores.indices {
      let count = network.cores[k].connections.count
      for i in 0..<count where pruned[offset + i] { body(k, i) }
      offset += count
    }
  }

  /// Pruned connections per layer of `network`, of all.
  public func prunedPerLayer(_ network: ShadowNetwork) -> [(pruned: Int, total: Int)] {
    let starts = network.layerStarts
    var out: [(pruned: Int, total: Int)] = []
    var offset = 0
    for l in 0..<(starts.count - 1) {
      var p = 0, t = 0
      for k in starts[l]..<starts[l + 1] {
        let count = network.cores[k].connections.count
        if !pruned.isEmpty { p += pruned[offset..<(offset + count)].filter { $0 }.count }
        t += count
        offset += count
      }
      out.append((p, t))
    }
    return out
  }
}
