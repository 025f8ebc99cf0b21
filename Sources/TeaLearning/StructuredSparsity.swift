/// The kinds of connection groups structured sparsity learning can remove.
public enum GroupKind: String, Sendable, CaseIterable {
  /// One axon of a core: a crossbar row (freed axons let cores merge).
  case axons
  /// One neuron of a core: a crossbar column (also the dense layer's column, one output).
  case neurons
  /// A whole core.
  case cores
  /// The dense layer's row: one input of a layer, over every core that reads it.
  case inputs
  /// The dense layer's blocks: `rows x columns` blocks of the layer's (input x output) matrix,
  /// restricted to the connections its cores have (the reference's block group lasso).
  case blocks
}

/// Groups of connection probabilities of a network, as flat indices into the concatenation of
/// every core's `connections` (core `k` starts at `offsets[k]`).
public struct ConnectionGroups: Sendable {
  /// The group kind.
  public var kind: GroupKind
  /// Start of each core's connections in the flat numbering, plus the total at the end.
  public var offsets: [Int]
  /// The layer of each group.
  public var layer: [Int]
  /// Group g holds the flat indices `members[starts[g]..<starts[g + 1]]`.
  public var starts: [Int]
  /// The flat connection indices of every group, group after group.
  public var members: [Int32]

  /// Number of groups.
  public var count: Int { layer.count }

  /// The groups of `kind` in `network`; `block` is the block size of `.blocks` (rows x columns).
  public init(_ kind: GroupKind, of network: ShadowNetwork, block: (rows: Int, columns: Int) = (16, 16)) {
    self.kind = kind
    var offsets = [0]
    for c in network.cores { offsets.append(offsets.last! + c.connections.count) }
    self.offsets = offsets
    layer = []
    starts = [0]
    members = []
    let layerStarts = network.layerStarts
    var layerOf: [Int] = []
    for l in 0..<(layerStarts.count - 1) { layerOf += Array(repeating: l, count: layerStarts[l + 1] - layerStarts[l]) }
    switch kind {
    case .axons, .neurons, .cores:
      for (k, c) in network.cores.enumerated() { addCoreGroups(kind, core: c, at: offsets[k], layer: layerOf[k]) }
    case .inputs, .blocks:
      for l in network.topology.layers.indices {
        let rows = kind == .inputs ? 1 : block.rows
        let columns = kind == .inputs ? Int.max : block.columns
        addDenseGroups(of: network, layer: l, cores: layerStarts[l]..<layerStarts[l + 1], rows: rows, columns: columns)
      }
    }
  }

  /// Ends the group whose members were appended last, in layer `l`.
  private mutating func close(_ l: Int) {
    layer.append(l)
    starts.append(members.count)
  }

  /// The axon, neuron or whole-core groups of core `c`, whose connections start at `offset`.
  private mutating func addCoreGroups(_ kind: GroupKind, core c: CoreParameters, at offset: Int, layer l: Int) {
    switch kind {
    case .axons:
      for a in 0..<c.axons {
        for n in 0..<c.neurons { members.append(Int32(offset + a * c.neurons + n)) }
        close(l)
      }
    case .neurons:
      for n in 0..<c.neurons {
        for a in 0..<c.axons { members.append(Int32(offset + a * c.neurons + n)) }
        close(l)
      }
    default:
      for i in 0..<c.connections.count { members.append(Int32(offset + i)) }
      close(l)
    }
  }

  /// The groups of layer `l` (cores `cores`) as a dense (input x output) matrix: its connections
  /// bucketed by blocks of `rows` inputs and `columns` outputs (`Int.max`: one column), in the
  /// order of the blocks.
  private mutating func addDenseGroups(of network: ShadowNetwork, layer l: Int, cores: Range<Int>, rows: Int, columns: Int) {
    let topology = network.topology
    let width = l == 0 ? topology.inputSize : topology.outputs(ofLayer: l - 1)
    var buckets: [Int: [Int32]] = [:]
    var outputOffset = 0
    for k in cores {
      let c = network.cores[k]
      let inputs = topology.cores[k].inputs
      for a in 0..<c.axons {
        for n in 0..<c.neurons {
          let column = columns == Int.max ? 0 : (outputOffset + n) / columns
          let key = (inputs[a] / rows) * (width + topology.outputs(ofLayer: l) + 1) + column
          buckets[key, default: []].append(Int32(offsets[k] + a * c.neurons + n))
        }
      }
      outputOffset += c.neurons
    }
    for key in buckets.keys.sorted() {
      members += buckets[key]!
      close(l)
    }
  }

  /// The group lasso `sum_g scale[layer g] * ||w_g||_2` of `flat` (all connections, flat).
  public func lasso(_ flat: [Float], scale: [Double]) -> Double {
    var unused: [Float] = []
    return lasso(flat, scale: scale, gradient: &unused, withGradient: false)
  }

  /// The group lasso of `flat` as `lasso(_:scale:)` computes it, with its gradient
  /// `scale * w_g / ||w_g||` added to `gradient` (`flat.count` entries; nothing for an all-zero
  /// group).
  public func lasso(_ flat: [Float], scale: [Double], gradient: inout [Float]) -> Double {
    precondition(gradient.count == flat.count, "the gradient must have one entry per connection")
    return lasso(flat, scale: scale, gradient: &gradient, withGradient: true)
  }

  private func lasso(_ flat: [Float], scale: [Double], gradient: inout [Float], withGradient: Bool) -> Double {
    var total = 0.0
    for g in 0..<count {
      let lambda = scale[min(layer[g], scale.count - 1)]
      guard lambda != 0 else { continue }
      var sum = 0.0
      for m in starts[g]..<starts[g + 1] {
        let w = Double(flat[Int(members[m])])
        sum += w * w
      }
      guard sum > 0 else { continue }
      let norm = sum.squareRoot()
      total += lambda * norm
      if withGradient {
        let f = lambda / norm
        for m in starts[g]..<starts[g + 1] {
          let i = Int(members[m])
          gradient[i] += Float(f * Double(flat[i]))
        }
      }
    }
    return total
  }

  /// Whether every connection of group `g` is exactly zero in `flat` (all connections, flat).
  public func isZero(_ g: Int, _ flat: [Float]) -> Bool {
    for m in starts[g]..<starts[g + 1] where flat[Int(members[m])] != 0 { return false }
    return true
  }
}

extension ShadowNetwork {
  /// Every core's connection probabilities, concatenated in core order.
  public var flatConnections: [Float] { cores.flatMap(\.connections) }
}

/// Structured sparsity learning (Wen et al., NIPS 2016) for core-structured networks: a group
/// Lasso `lambda * layerScale[l] * ||c_g||_2` over groups of connection probabilities (crossbar
/// rows, crossbar columns, whole cores; the dense layer's input rows and blocks), then after every
/// step every connection below `zeroBelow` is set to exactly 0. A group counts as removed only
/// when all of it is zero. With `finetune`, the groups of the chosen kinds that are entirely zero
/// in the network the run starts from are masked: their gradient is zeroed and they stay zero.
/// With a `structure` network (the result of an SSL run), the run's starting network first loses
/// the groups of the chosen kinds that are entirely zero in the structure, and fine-tunes the rest
/// from its own values: the surviving connections keep their trained strength instead of the
/// shrunken ones the Lasso left.
///
/// `tnsim train --plugin ssl:lambda=X,groups=axons+neurons,layers=1/0.1,zero=1e-4,finetune=1`
/// (docs/plugins.md).
public struct StructuredSparsity: TrainingPlugin, Sendable {
  /// The global coefficient.
  public var lambda: Double
  /// Per-layer multipliers (the last one repeats for deeper layers).
  public var layerScale: [Double]
  /// The group kinds penalised (and masked when fine-tuning).
  public var kinds: [GroupKind]
  /// Connections below this are set to 0 after each step (0: no zeroing).
  public var zeroBelow: Float
  /// The block size of `.blocks` groups.
  public var block: (rows: Int, columns: Int)
  /// Mask the groups removed in the initial network.
  public var finetune: Bool
  /// The network whose removed groups a fresh run removes first (`prepare`), and its file.
  public var structure: ShadowNetwork?
  /// The file `structure` was read from.
  public var structurePath: String?

  var groups: [ConnectionGroups] = []
  /// Flat indices that stay zero (fine-tuning).
  var masked: [Int32] = []

  /// An SSL plug-in.
  public init(lambda: Double, kinds: [GroupKind], layerScale: [Double] = [1], zeroBelow: Float = 1e-4, block: (rows: Int, columns: Int) = (16, 16), finetune: Bool = false) {
    self.lambda = lambda
    self.kinds = kinds
    self.layerScale = layerScale.isEmpty ? [1] : layerScale
    self.zeroBelow = zeroBelow
    self.block = block
    self.finetune = finetune
  }

  /// From `ssl:lambda=X,groups=K+K,layers=S/S,zero=Z,block=RxC,finetune=0|1,structure=NET.json`
  /// (defaults: lambda 1e-3, groups axons+neurons, layers 1, zero 1e-4, block 16x16, finetune 0, or
  /// 1 with a structure).
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range; `InputError`
  ///   when the structure network cannot be read.
  public init(_ spec: PluginSpec) throws {
    try spec.check(known: ["lambda", "groups", "layers", "zero", "block", "finetune", "structure"])
    self.init(
      lambda: try spec.double("lambda", default: 1e-3, in: 0...1e6), kinds: try Self.kinds(spec),
      layerScale: try spec.doubles("layers", default: [1], in: 0...1e6), zeroBelow: Float(try spec.double("zero", default: 1e-4, in: 0...1)),
      block: try Self.block(spec), finetune: try spec.int("finetune", default: spec.value("structure") == nil ? 0 : 1, in: 0...1) == 1)
    if let path = spec.value("structure") {
      structure = try TrainedNetwork.read(from: path).network
      structurePath = path
    }
  }

  /// The group kinds of `groups=K+K` (default axons+neurons), each once, in the order given.
  static func kinds(_ spec: PluginSpec) throws(PluginSpecError) -> [GroupKind] {
    let text = spec.value("groups") ?? "axons+neurons"
    var kinds: [GroupKind] = []
    for part in text.split(separator: "+") {
      guard let k = GroupKind(rawValue: String(part)) else {
        throw spec.badValue("groups", String(part), allowed: "use \(GroupKind.allCases.map(\.rawValue).joined(separator: ", ")) joined by +")
      }
      if !kinds.contains(k) { kinds.append(k) }
    }
    return kinds
  }

  /// The block size of `block=RxC` (default 16x16).
  static func block(_ spec: PluginSpec) throws(PluginSpecError) -> (rows: Int, columns: Int) {
    guard let b = spec.value("block") else { return (16, 16) }
    let p = b.split(separator: "x").compactMap { Int($0) }
    guard p.count == 2, p.allSatisfy({ (1...4096).contains($0) }) else { throw spec.badValue("block", b, allowed: "give ROWSxCOLUMNS, e.g. 16x16") }
    return (p[0], p[1])
  }

  /// Checks that the structure network (if any) has the run's topology.
  public func validate(topology: Topology) throws(InputError) {
    guard let structure, let structurePath else { return }
    guard structure.topology == topology else {
      throw InputError(file: structurePath, path: "topology",
        message: "is \(structure.topology.name); the run's network is \(topology.name) (ssl:structure needs a network of the same topology)")
    }
  }

  /// Zeroes the groups the structure network removed (with a structure).
  public mutating func prepare(_ network: inout ShadowNetwork) {
    guard let structure else { return }
    precondition(structure.topology == network.topology, "the SSL structure network has another topology")
    let mask = Self.removed(structure, groups: kinds.map { ConnectionGroups($0, of: structure, block: block) })
    var offset = 0
    for k in network.cores.indices {
      let count = network.cores[k].connections.count
      for i in 0..<count where mask[offset + i] { network.cores[k].connections[i] = 0 }
      offset += count
    }
  }

  /// `ssl`.
  public var name: String { "ssl" }

  /// Builds the groups of the starting network and, when fine-tuning, the mask of its removed groups.
  public mutating func begin(initial: ShadowNetwork, context: StepContext) {
    groups = kinds.map { ConnectionGroups($0, of: initial, block: block) }
    masked = []
    guard finetune else { return }
    let mask = Self.removed(initial, groups: groups)
    masked = mask.indices.filter { mask[$0] }.map { Int32($0) }
  }

  /// The flat connections of `network` that belong to a group (of `groups`) entirely zero.
  static func removed(_ network: ShadowNetwork, groups: [ConnectionGroups]) -> [Bool] {
    let flat = network.flatConnections
    var mask = [Bool](repeating: false, count: flat.count)
    for gs in groups {
      for g in 0..<gs.count where gs.isZero(g, flat) {
        for m in gs.starts[g]..<gs.starts[g + 1] { mask[Int(gs.members[m])] = true }
      }
    }
    return mask
  }

  /// The group Lasso of `network` (all kinds), and with `gradient` its gradient added.
  public func lasso(_ network: ShadowNetwork, gradient: inout ParameterGradient?) -> Double {
    let flat = network.flatConnections
    let scale = layerScale.map { $0 * lambda }
    var flatGradient = [Float](repeating: 0, count: flat.count)
    var total = 0.0
    for gs in groups {
      total += gradient == nil ? gs.lasso(flat, scale: scale) : gs.lasso(flat, scale: scale, gradient: &flatGradient)
    }
    if gradient != nil {
      var offset = 0
      for k in network.cores.indices {
        for i in gradient!.cores[k].connections.indices { gradient!.cores[k].connections[i] += flatGradient[offset + i] }
        offset += network.cores[k].connections.count
      }
    }
    return total
  }

  /// Adds the group Lasso's gradient to `gradient` and returns its value.
  public mutating func regularize(_ network: ShadowNetwork, gradient: inout ParameterGradient, context: StepContext) -> Double {
    guard lambda != 0 else { return 0 }
    var g: ParameterGradient? = gradient
    let value = lasso(network, gradient: &g)
    gradient = g!
    return value
  }

  /// Zeroes the gradient of the masked connections (fine-tuning).
  public mutating func transformGradient(_ gradient: inout ParameterGradient, network: ShadowNetwork, context: StepContext) {
    guard !masked.isEmpty else { return }
    forEachMasked(cores: network.cores.map(\.connections.count)) { k, i in gradient.cores[k].connections[i] = 0 }
  }

  /// Zeroes the connections below `zeroBelow` and the masked ones.
  public mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext) {
    if zeroBelow > 0 {
      let z = zeroBelow
      for k in network.cores.indices {
        for i in network.cores[k].connections.indices where abs(network.cores[k].connections[i]) < z { network.cores[k].connections[i] = 0 }
      }
    }
    if !masked.isEmpty {
      var cores = network.cores
      forEachMasked(cores: cores.map(\.connections.count)) { k, i in cores[k].connections[i] = 0 }
      network.cores = cores
    }
  }

  /// Calls `body(core, index)` for every masked connection, in order.
  func forEachMasked(cores sizes: [Int], _ body: (Int, Int) -> Void) {
    var k = 0, offset = 0
    for m in masked {
      let i = Int(m)
      while i >= offset + sizes[k] {
        offset += sizes[k]
        k += 1
      }
      body(k, i - offset)
    }
  }
}

/// How much of a network structured sparsity removed, per layer: groups entirely zero of each
/// core-level kind, and zero connections.
public struct LayerSparsity: Sendable, Equatable {
  /// The layer.
  public var layer: Int
  /// Axon groups entirely zero, of all.
  public var axons: (removed: Int, total: Int)
  /// Neuron groups entirely zero, of all.
  public var neurons: (removed: Int, total: Int)
  /// Cores entirely zero, of all.
  public var cores: (removed: Int, total: Int)
  /// Connections exactly zero, of all.
  public var connections: (zero: Int, total: Int)

  /// Whether every count is the same.
  public static func == (a: LayerSparsity, b: LayerSparsity) -> Bool {
    a.layer == b.layer && a.axons == b.axons && a.neurons == b.neurons && a.cores == b.cores && a.connections == b.connections
  }

  /// The sparsity of every layer of `network`.
  public static func of(_ network: ShadowNetwork) -> [LayerSparsity] {
    let flat = network.flatConnections
    let layers = network.topology.layers.count
    var out = (0..<layers).map { LayerSparsity(layer: $0, axons: (0, 0), neurons: (0, 0), cores: (0, 0), connections: (0, 0)) }
    for kind in [GroupKind.axons, .neurons, .cores] {
      let gs = ConnectionGroups(kind, of: network)
      for g in 0..<gs.count {
        let zero = gs.isZero(g, flat) ? 1 : 0
        let l = gs.layer[g]
        switch kind {
        case .axons: out[l].axons = (out[l].axons.removed + zero, out[l].axons.total + 1)
        case .neurons: out[l].neurons = (out[l].neurons.removed + zero, out[l].neurons.total + 1)
        default: out[l].cores = (out[l].cores.removed + zero, out[l].cores.total + 1)
        }
      }
    }
    let starts = network.layerStarts
    for l in 0..<layers {
      for k in starts[l]..<starts[l + 1] {
        let c = network.cores[k].connections
        out[l].connections = (out[l].connections.zero + c.filter { $0 == 0 }.count, out[l].connections.total + c.count)
      }
    }
    return out
  }
}
