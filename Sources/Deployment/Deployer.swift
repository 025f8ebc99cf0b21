import TeaLearning
import TrueNorth
import TrueNorthIO

/// A trained network sampled onto the chip: the model, where everything is, and how to feed and
/// read it.
public struct DeployedNetwork: Sendable {
  /// The chip model: every copy's sampled crossbars and configured neurons.
  public var model: Model
  /// Where every copy's cores are.
  public var placement: Placement
  /// Which chip core of a copy each logical core's live axons and neurons went to.
  public var packing: CorePacking
  /// The settings of the deployment.
  public var options: DeploymentOptions
  /// Which axons each pixel drives in every copy, and the encoding's seed.
  public var encoding: InputEncoding
  /// The class of each output pin and the readout rule.
  public var readout: Readout
  /// The name of the network's topology.
  public var topologyName: String
  /// The SHA-256 of the topology's canonical text (`DeployedNetwork.topologyDigest`).
  public var topologyDigest: String
  /// Weight-table entries smaller than their neuron's scale times the trained weight.
  public var weightsShrunk: Int

  /// Cores the deployment uses.
  public var coresUsed: Int { model.cores.count }
  /// Classes of the readout.
  public var classes: Int { readout.classes }
  /// The class of each output pin.
  public var pinClass: [Int32] { readout.pinClass }
  /// Neurons voting for each class in one copy.
  public var neuronsPerClass: [Int] { readout.neuronsPerClass }
  /// Whether a class's count is the sum or the mean over its neurons.
  public var score: ClassScore { readout.score }
  /// Ticks from an input spike to the output spikes it causes: one per layer after the first.
  public var pipelineDepth: Int { readout.pipelineDepth }
  /// Values of the input vector (pixels).
  public var inputSize: Int { encoding.inputSize }
  /// For copy c, the axons input value i drives: `inputAxons[c][inputStart[i]..<inputStart[i + 1]]`.
  public var inputStart: [Int] { encoding.start }
  /// Per copy, the (chip core id, axon) of every input axon, grouped by input value.
  public var inputAxons: [[(core: Int32, axon: Int32)]] { encoding.axons }
}

extension DeployedNetwork {
  /// Samples `trained` onto `chip`: every synapse drawn from its connection probability, each copy
  /// independently or stratified across the copies (`options.synapses`), neurons configured as memoryless McCulloch-Pitts neurons firing iff their input
  /// plus the leak is >= 0, layer l's neurons sent with delay 1 to the axons of layer l + 1 that read
  /// them, the last layer sent to output pins.
  /// - Throws: `DeploymentError` when a core or the copies do not fit the chip, an output feeds
  ///   more than one axon (a neuron has one destination), or the result breaks a hardware constraint.
  public init(_ trained: TrainedNetwork, chip: ChipDefinition, options: DeploymentOptions) throws(DeploymentError) {
    let net = trained.network
    let topology = net.topology
    guard topology.cores.allSatisfy({ $0.axons <= chip.axonsPerCore && $0.neurons <= chip.neuronsPerCore }) else {
      throw .coreTooLarge(topology: topology.name, chip: chip.name, axonsPerCore: chip.axonsPerCore, neuronsPerCore: chip.neuronsPerCore)
    }
    let packing = options.pack
      ? CorePacking.pack(net, options: options, axonsPerCore: chip.axonsPerCore, neuronsPerCore: chip.neuronsPerCore) : CorePacking.identity(net)
    guard let placement = Placement.blocks(copies: options.copies, coresPerCopy: packing.coresPerCopy, layerOfCore: packing.binLayer, chip: chip) else {
      throw .copiesDoNotFit(copies: options.copies, coresPerCopy: packing.coresPerCopy, chip: chip.name, width: chip.width, height: chip.height)
    }
    guard options.copies * topology.outputCount <= chip.outputPins else {
      throw .tooFewOutputPins(needed: options.copies * topology.outputCount, chip: chip.name, available: chip.outputPins)
    }
    let wiring = try Wiring(topology)
    let tables = net.cores.map { DeployedNetwork.weightTable($0, options: options) }
    var model = Model(chip: chip, seed: options.seed)
    for copy in 0..<options.copies {
      for (b, members) in packing.bins.enumerated() {
        let (x, y) = placement.cores[copy][b]
        var core = model.emptyCore(x: x, y: y)
        for k in members {
          let slots = (axons: packing.axonSlot[k], neurons: packing.neuronSlot[k])
          Self.drawSynapses(
            net.cores[k], table: tables[k], slots: slots, core: &core, seed: options.seed, copy: copy, of: options.copies, logicalCore: k,
            sampling: options.synapses)
          Self.configureNeurons(net.cores[k], table: tables[k], logicalCore: k, copy: copy, core: &core, wiring: wiring, packing: packing, placement: placement)
        }
        model.cores.append(core)
      }
    }
    if let v = model.violations().first { throw .modelDoesNotFit(chip: chip.name, violation: v) }
    self.init(
      model: model, placement: placement, packing: packing, options: options,
      encoding: Self.inputEncoding(topology, wiring: wiring, packing: packing, placement: placement, options: options),
      readout: Self.readout(trained, wiring: wiring, packing: packing, placement: placement, copies: options.copies),
      topologyName: topology.name, topologyDigest: Self.topologyDigest(topology), weightsShrunk: tables.reduce(0) { $0 + $1.shrunk })
  }

  /// Where the outputs of each layer go: the layer of each logical core, the index of each core's
  /// first neuron among its layer's outputs, and which (core, axon) of layer l reads each output
  /// of layer l - 1.
  struct Wiring {
    var layerOfCore: [Int] = []
    var firstOutputOfCore: [Int] = []
    /// `consumers[l - 1][j]`: the reader of output j of layer l - 1.
    var consumers: [[(core: Int, axon: Int)?]] = []
    var layers: Int
    /// Outputs of the last layer (output pins per copy).
    var outputs: Int

    /// - Throws: `DeploymentError.outputReadTwice` when an output feeds two axons.
    init(_ topology: Topology) throws(DeploymentError) {
      layers = topology.layers.count
      outputs = topology.outputCount
      var coreStart: [Int] = []
      for (l, layer) in topology.layers.enumerated() {
        coreStart.append(layerOfCore.count)
        layerOfCore += Array(repeating: l, count: layer.count)
        var offset = 0
        for core in layer {
          firstOutputOfCore.append(offset)
          offset += core.neurons
        }
      }
      let shapes = topology.cores
      for l in 1..<max(topology.layers.count, 1) {
        var reader = [(core: Int, axon: Int)?](repeating: nil, count: topology.outputs(ofLayer: l - 1))
        for k in coreStart[l]..<(coreStart[l] + topology.layers[l].count) {
          for (a, i) in shapes[k].inputs.enumerated() {
            if let other = reader[i] {
              throw .outputReadTwice(layer: l - 1, output: i, first: .init(core: other.core, axon: other.axon), second: .init(core: k, axon: a))
            }
            reader[i] = (k, a)
          }
        }
        consumers.append(reader)
      }
    }
  }

  /// Draws the synapses of logical core `k` of one copy into its chip core: each synapse present
  /// with probability c * s / s' when its draw u is below that. With independent sampling u is the
  /// next uniform of the generator of (seed, copy, core); stratified, it is (pi(copy) + that
  /// uniform) / copies, where pi(c) = (alpha c + beta) mod copies is the synapse's permutation of the
  /// copies (alpha a unit and beta a residue modulo copies, drawn from the generator of (seed, core)
  /// alone, so every copy finds the same ones). Every synapse is drawn, removed or not, so that
  /// packing never changes a live synapse.
  static func drawSynapses(_ p: CoreParameters, table: WeightTable, slots: (axons: [Int], neurons: [Int]), core: inout CoreConfig,
    seed: UInt64, copy: Int, of copies: Int, logicalCore k: Int, sampling: SynapseSampling)
  {
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(copy) << 20 | UInt64(k))))
    var strata = StrataOfCopies(copies: sampling == .stratified ? copies : 1, seed: seed, logicalCore: k)
    for a in 0..<p.axons where slots.axons[a] >= 0 { core.axonTypes[slots.axons[a]] = p.axonTypes[a] }
    for a in 0..<p.axons {
      let g = Int(p.axonTypes[a])
      for n in 0..<p.neurons {
        let c = Double(p.connections[a * p.neurons + n])
        guard c > 0 else { continue }
        let s = Double(table.scale[n]) * Double(p.weights[n * 4 + g]), s2 = Double(table.weights[n * 4 + g])
        let probability = s2 == 0 ? 0 : c * s / s2
        let u = strata.draw(copy: copy, own: rng.nextUnit())
        if u < probability && slots.axons[a] >= 0 && slots.neurons[n] >= 0 { core.crossbar[slots.axons[a], slots.neurons[n]] = true }
      }
    }
  }

  /// The stratification of one core's synapse draws across the copies (`SynapseSampling.stratified`).
  struct StrataOfCopies {
    /// Copies the draws are stratified over (1: independent draws).
    var copies: Int
    /// The residues modulo `copies` prime to it: the slopes of the permutations.
    var units: [Int]
    /// The generator of (seed, core) the synapses' permutations come from, in synapse order.
    var generator: SplitMix64

    init(copies: Int, seed: UInt64, logicalCore k: Int) {
      self.copies = copies
      units = copies > 1 ? (1..<copies).filter { greatestCommonDivisor($0, copies) == 1 } : []
      generator = SplitMix64(seed: SplitMix64.mix(seed ^ SplitMix64.mix(0x5354_5241_5441_0000 ^ UInt64(k))))
    }

    /// The draw of `copy` for the next synapse, given the copy's own uniform: the uniform itself
    /// when there is one stratum, else (pi(copy) + own) / copies with the synapse's permutation pi.
    mutating func draw(copy: Int, own: Double) -> Double {
      guard copies > 1 else { return own }
      let alpha = units[generator.next(below: units.count)], beta = generator.next(below: copies)
      return (Double((alpha * copy + beta) % copies) + own) / Double(copies)
    }
  }

  /// Configures the live neurons of logical core `k` of one copy: McCulloch-Pitts neurons with the
  /// table's weights and leak, sending with delay 1 to the axon that reads them, or to their output
  /// pin in the last layer.
  static func configureNeurons(_ p: CoreParameters, table: WeightTable, logicalCore k: Int, copy: Int, core: inout CoreConfig,
    wiring: Wiring, packing: CorePacking, placement: Placement)
  {
    let l = wiring.layerOfCore[k]
    for n in 0..<p.neurons where packing.neuronSlot[k][n] >= 0 {
      let w = table.weights
      var neuron = Neuron.mcCullochPitts(weights: SIMD4(w[n * 4], w[n * 4 + 1], w[n * 4 + 2], w[n * 4 + 3]), leak: table.leaks[n], destination: .none)
      if table.dither[n] { neuron.thresholdMaskBits = 1 }
      let output = wiring.firstOutputOfCore[k] + n
      if l == wiring.layers - 1 {
        neuron.destination = .pin(Int32(copy * wiring.outputs + output))
      } else if let target = wiring.consumers[l][output], packing.axonSlot[target.core][target.axon] >= 0 {
        let (tx, ty) = placement.cores[copy][packing.binOf[target.core]]
        neuron.destination = .axon(dx: Int32(tx - core.x), dy: Int32(ty - core.y), axon: Int32(packing.axonSlot[target.core][target.axon]), delay: 1)
      }
      core.neurons[packing.neuronSlot[k][n]] = neuron
    }
  }

  /// Input value i drives every live layer-0 axon that reads it, in every copy.
  static func inputEncoding(_ topology: Topology, wiring: Wiring, packing: CorePacking, placement: Placement, options: DeploymentOptions)
    -> InputEncoding
  {
    let shapes = topology.cores
    var lists = [[(core: Int, axon: Int)]](repeating: [], count: topology.inputSize)
    for k in shapes.indices where wiring.layerOfCore[k] == 0 {
      for (a, i) in shapes[k].inputs.enumerated() where packing.axonSlot[k][a] >= 0 { lists[i].append((packing.binOf[k], packing.axonSlot[k][a])) }
    }
    var start = [0]
    for l in lists { start.append(start.last! + l.count) }
    let chip = placement.chip
    let axons = placement.cores.map { cores in
      lists.flatMap { $0.map { (core: Int32(chip.coreID(x: cores[$0.core].x, y: cores[$0.core].y)), axon: Int32($0.axon)) } }
    }
    return InputEncoding(inputSize: topology.inputSize, start: start, axons: axons, seed: options.seed, sampling: options.inputs)
  }

  /// Output j of copy c goes to pin c * outputs + j and votes for class j mod classes; each pin's
  /// neuron, unless packing removed it (its pin never fires and keeps its class).
  static func readout(_ trained: TrainedNetwork, wiring: Wiring, packing: CorePacking, placement: Placement, copies: Int) -> Readout {
    let topology = trained.network.topology
    let outputs = topology.outputCount
    var pinClass = [Int32](repeating: -1, count: copies * outputs)
    var pinSource = [Readout.PinSource?](repeating: nil, count: copies * outputs)
    let last = topology.cores.indices.filter { wiring.layerOfCore[$0] == wiring.layers - 1 }
    for copy in 0..<copies {
      for output in 0..<outputs { pinClass[copy * outputs + output] = Int32(topology.classOf(output: output)) }
      for k in last where packing.binOf[k] >= 0 {
        let (x, y) = placement.cores[copy][packing.binOf[k]]
        for (n, slot) in packing.neuronSlot[k].enumerated() where slot >= 0 {
          pinSource[copy * outputs + wiring.firstOutputOfCore[k] + n] = .init(core: Int32(placement.chip.coreID(x: x, y: y)), neuron: Int32(slot))
        }
      }
    }
    return Readout(classes: topology.classes, pinClass: pinClass, neuronsPerClass: topology.neuronsPerClass, score: trained.score,
      pipelineDepth: topology.layers.count - 1, pinSource: pinSource)
  }

  /// The SHA-256 (hex) of a topology's canonical text: `rows x columns, classes` then, per layer
  /// and core in order, `layer l core k: neurons N inputs i0,i1,...`, one per line
  /// (docs/deployed-format.md). Two networks with the same digest read their inputs the same way.
  public static func topologyDigest(_ topology: Topology) -> String {
    var text = "\(topology.inputRows) x \(topology.inputColumns), \(topology.classes)\n"
    for (l, layer) in topology.layers.enumerated() {
      for (k, core) in layer.enumerated() {
        text += "layer \(l) core \(k): neurons \(core.neurons) inputs \(core.inputs.map(String.init).joined(separator: ","))\n"
      }
    }
    return SHA256.hex(Array(text.utf8))
  }

  /// The integer leak for a trained bias.
  public static func integerLeak(_ b: Double, _ rounding: DeploymentOptions.LeakRounding) -> Int {
    let v: Double
    switch rounding {
    case .floor, .dither: v = b.rounded(.down)
    case .round: v = b.rounded()
    }
    return Int(min(255, max(-255, v)))
  }

  /// Each neuron's deployed configuration: its scale k (`DeploymentOptions.scale`), weight per
  /// axon type and integer leak. With `shrinkWeights` the weight of a type is the smallest integer
  /// magnitude of the trained sign that is at least k times every effective weight c * s of that
  /// type, else k * s; the synapse probability is then k * c * s / weight and the leak k * b rounded,
  /// so the expected input is k times the trained one and the neuron's decision
  /// k (input + b) >= 0 is the trained one, with less variance relative to the mean.
  public static func weightTable(_ p: CoreParameters, options: DeploymentOptions) -> WeightTable {
    var largest = [Double](repeating: 0, count: p.neurons * 4)
    if options.shrinkWeights {
      for a in 0..<p.axons {
        let g = Int(p.axonTypes[a])
        for n in 0..<p.neurons {
          let w = Double(p.connections[a * p.neurons + n]) * abs(Double(p.weights[n * 4 + g]))
          largest[n * 4 + g] = max(largest[n * 4 + g], w)
        }
      }
    } else {
      for i in largest.indices { largest[i] = abs(Double(p.weights[i])) }
    }
    let limit = Double(WeightTable.largestMagnitude)
    var table = WeightTable(weights: [Int32](repeating: 0, count: p.neurons * 4), scale: [], leaks: [], dither: [], shrunk: 0)
    for n in 0..<p.neurons {
      let b = Double(p.leaks[n])
      // The largest k <= options.scale whose weights and leak fit the chip's 9 bits.
      var k = max(1, options.scale)
      for g in 0..<4 where largest[n * 4 + g] > 0 { k = min(k, max(1, Int((limit + 1e-9) / largest[n * 4 + g]))) }
      if b != 0 { k = min(k, max(1, Int(limit / abs(b)))) }
      table.scale.append(Int32(k))
      let kb = Double(k) * b
      table.leaks.append(Int32(integerLeak(kb, options.leak)))
      let f = kb - kb.rounded(.down)
      table.dither.append(options.leak == .dither && f >= 0.25 && f < 0.75)
      for g in 0..<4 {
        let s = Int32(p.weights[n * 4 + g])
        guard s != 0 else { continue }
        let full = Int32(k) * abs(s)
        let magnitude = options.shrinkWeights ? min(full, Int32(max(1, (Double(k) * largest[n * 4 + g] - 1e-9).rounded(.up)))) : full
        if magnitude < full { table.shrunk += 1 }
        table.weights[n * 4 + g] = s > 0 ? magnitude : -magnitude
      }
    }
    return table
  }
}

/// One core's deployed neuron configuration (`DeployedNetwork.weightTable`).
public struct WeightTable: Sendable {
  /// The chip's largest weight and leak magnitude (9-bit signed).
  public static let largestMagnitude = 255
  /// `weights[n * 4 + g]`: neuron n's weight for axon type g.
  public var weights: [Int32]
  /// Each neuron's scale k: its weights, leak and expected input are k times the trained ones.
  public var scale: [Int32]
  /// Each neuron's integer leak.
  public var leaks: [Int32]
  /// Neurons whose leak fraction is dithered by a one-bit threshold mask (`LeakRounding.dither`).
  public var dither: [Bool]
  /// Entries smaller than k times the trained weight.
  public var shrunk: Int
}
