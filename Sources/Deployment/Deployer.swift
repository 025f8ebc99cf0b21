import TeaLearning
import TrueNorth
import TrueNorthIO

/// Why a network cannot be deployed.
public struct DeploymentError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A trained network sampled onto the chip: the model, where everything is, and how to feed and
/// read it.
public struct DeployedNetwork: Sendable {
  public var model: Model
  public var placement: Placement
  /// Which chip core of a copy each logical core's live axons and neurons went to.
  public var packing: CorePacking
  public var options: DeploymentOptions
  /// Classes of the readout and the class of each output pin.
  public var classes: Int
  public var pinClass: [Int32]
  /// Neurons voting for each class in one copy.
  public var neuronsPerClass: [Int]
  public var score: ClassScore
  /// Ticks from an input spike to the output spikes it causes: one per layer after the first.
  public var pipelineDepth: Int
  /// Values of the input vector (pixels).
  public var inputSize: Int
  /// For copy c, the axons input value i drives: `inputAxons[c][inputStart[i]..<inputStart[i + 1]]`.
  public var inputStart: [Int]
  public var inputAxons: [[(core: Int32, axon: Int32)]]
  /// The weight table each neuron got and its sampled probabilities' source, for reports.
  public var weightsShrunk: Int

  /// Cores the deployment uses.
  public var coresUsed: Int { model.cores.count }
}

extension DeployedNetwork {
  /// Samples `trained` onto `chip`: every synapse drawn from its connection probability, each copy
  /// independently, neurons configured as memoryless McCulloch-Pitts neurons firing iff their input
  /// plus the leak is >= 0, layer l's neurons sent with delay 1 to the axons of layer l + 1 that read
  /// them, the last layer sent to output pins.
  /// - Throws: `DeploymentError` when the copies do not fit the chip, an output feeds more than one
  ///   axon (a neuron has one destination), or the result breaks a hardware constraint.
  public init(_ trained: TrainedNetwork, chip: ChipDefinition, options: DeploymentOptions) throws(DeploymentError) {
    let net = trained.network
    let topology = net.topology
    let shapes = topology.cores
    var layerOfCore: [Int] = []
    var coreIndexInLayerStart: [Int] = []
    for (l, layer) in topology.layers.enumerated() {
      coreIndexInLayerStart.append(layerOfCore.count)
      layerOfCore += Array(repeating: l, count: layer.count)
    }
    guard shapes.allSatisfy({ $0.axons <= chip.axonsPerCore && $0.neurons <= chip.neuronsPerCore }) else {
      throw DeploymentError("a core of \(topology.name) is larger than \(chip.name)'s \(chip.axonsPerCore) x \(chip.neuronsPerCore) cores")
    }
    let packing = options.pack ? CorePacking.pack(net, options: options, axonsPerCore: chip.axonsPerCore, neuronsPerCore: chip.neuronsPerCore) : CorePacking.identity(net)
    guard let placement = Placement.blocks(copies: options.copies, coresPerCopy: packing.coresPerCopy, layerOfCore: packing.binLayer, chip: chip) else {
      throw DeploymentError("\(options.copies) copies of \(packing.coresPerCopy) cores do not fit on \(chip.name) (\(chip.width) x \(chip.height) cores); use a board such as --chip ns16e")
    }
    let outputs = topology.outputCount
    guard options.copies * outputs <= chip.outputPins else {
      throw DeploymentError("\(options.copies * outputs) output pins needed; \(chip.name) has \(chip.outputPins)")
    }
    // Which (core, axon) of layer l reads each output of layer l - 1.
    var consumers: [[(core: Int, axon: Int)?]] = []
    var firstOutputOfCore = [Int](repeating: 0, count: shapes.count)
    for l in topology.layers.indices {
      var offset = 0
      for k in coreIndexInLayerStart[l]..<(coreIndexInLayerStart[l] + topology.layers[l].count) {
        firstOutputOfCore[k] = offset
        offset += shapes[k].neurons
      }
    }
    for l in 1..<max(topology.layers.count, 1) {
      var reader = [(core: Int, axon: Int)?](repeating: nil, count: topology.outputs(ofLayer: l - 1))
      for k in coreIndexInLayerStart[l]..<(coreIndexInLayerStart[l] + topology.layers[l].count) {
        for (a, i) in shapes[k].inputs.enumerated() {
          if let other = reader[i] {
            throw DeploymentError("output \(i) of layer \(l - 1) feeds axon \(other.axon) of core \(other.core) and axon \(a) of core \(k); a TrueNorth neuron has one destination (splitter neurons are not implemented)")
          }
          reader[i] = (k, a)
        }
      }
      consumers.append(reader)
    }
    var model = Model(chip: chip, seed: options.seed)
    var pinClass = [Int32](repeating: -1, count: options.copies * outputs)
    var shrunk = 0
    let tables = net.cores.map { DeployedNetwork.weightTable($0, options: options) }
    for t in tables { shrunk += t.shrunk }
    for copy in 0..<options.copies {
      for (b, members) in packing.bins.enumerated() {
        let (x, y) = placement.cores[copy][b]
        var core = model.emptyCore(x: x, y: y)
        for k in members {
          let p = net.cores[k]
          let axonSlot = packing.axonSlot[k], neuronSlot = packing.neuronSlot[k]
          // The same draws whatever was removed, so that packing never changes a live synapse.
          var rng = SplitMix64(seed: SplitMix64.mix(options.seed ^ SplitMix64.mix(UInt64(copy) << 20 | UInt64(k))))
          for a in 0..<p.axons where axonSlot[a] >= 0 { core.axonTypes[axonSlot[a]] = p.axonTypes[a] }
          let table = tables[k].weights, scale = tables[k].scale
          for a in 0..<p.axons {
            let g = Int(p.axonTypes[a])
            for n in 0..<p.neurons {
              let c = Double(p.connections[a * p.neurons + n])
              guard c > 0 else { continue }
              let s = Double(scale[n]) * Double(p.weights[n * 4 + g]), s2 = Double(table[n * 4 + g])
              let probability = s2 == 0 ? 0 : c * s / s2
              if rng.nextUnit() < probability && axonSlot[a] >= 0 && neuronSlot[n] >= 0 { core.crossbar[axonSlot[a], neuronSlot[n]] = true }
            }
          }
          let l = layerOfCore[k]
          for n in 0..<p.neurons where neuronSlot[n] >= 0 {
            var neuron = Neuron.mcCullochPitts(
              weights: SIMD4(table[n * 4], table[n * 4 + 1], table[n * 4 + 2], table[n * 4 + 3]),
              leak: tables[k].leaks[n], destination: .none)
            if tables[k].dither[n] { neuron.thresholdMaskBits = 1 }
            let output = firstOutputOfCore[k] + n
            if l == topology.layers.count - 1 {
              let pin = copy * outputs + output
              neuron.destination = .pin(Int32(pin))
            } else if let target = consumers[l][output], packing.axonSlot[target.core][target.axon] >= 0 {
              let (tx, ty) = placement.cores[copy][packing.binOf[target.core]]
              neuron.destination = .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(packing.axonSlot[target.core][target.axon]), delay: 1)
            }
            core.neurons[neuronSlot[n]] = neuron
          }
        }
        model.cores.append(core)
      }
    }
    // Pins of removed class neurons never fire; they keep their class.
    for copy in 0..<options.copies {
      for output in 0..<outputs { pinClass[copy * outputs + output] = Int32(topology.classOf(output: output)) }
    }
    if let v = model.violations().first {
      throw DeploymentError("the deployed model does not fit \(chip.name): \(v)")
    }
    // Input value i drives every layer-0 axon that reads it, in every copy.
    var lists = [[(core: Int, axon: Int)]](repeating: [], count: topology.inputSize)
    for k in shapes.indices where layerOfCore[k] == 0 {
      for (a, i) in shapes[k].inputs.enumerated() where packing.axonSlot[k][a] >= 0 { lists[i].append((packing.binOf[k], packing.axonSlot[k][a])) }
    }
    var start = [0]
    for l in lists { start.append(start.last! + l.count) }
    let axons = (0..<options.copies).map { copy in
      lists.flatMap { $0.map { (core: Int32(chip.coreID(x: placement.cores[copy][$0.core].x, y: placement.cores[copy][$0.core].y)), axon: Int32($0.axon)) } }
    }
    self.init(model: model, placement: placement, packing: packing, options: options, classes: topology.classes, pinClass: pinClass,
      neuronsPerClass: topology.neuronsPerClass, score: trained.score, pipelineDepth: topology.layers.count - 1,
      inputSize: topology.inputSize, inputStart: start, inputAxons: axons, weightsShrunk: shrunk)
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
