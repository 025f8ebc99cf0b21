@testable import TrueNorth
@testable import TrueNorthIO

/// A slow, obviously-correct simulator written straight from docs/neuron-model.md, with 64-bit
/// arithmetic, dictionaries and sets: the fast `Simulator` must agree with it bit for bit.
final class ReferenceSimulator {
  let model: Model
  let chip: ChipDefinition
  var potential: [[Int]]
  var rng: [SplitMix64]
  /// Delivery tick -> (core index, axon) pairs.
  var pending: [Int64: Set<[Int]>] = [:]
  var tick: Int64 = 0
  var synapticEvents = 0
  let indexOfCore: [Int: Int]

  init(model: Model, seed: UInt64? = nil) {
    self.model = model
    chip = model.chip
    potential = model.cores.map { $0.neurons.map { Int($0.potential) } }
    rng = model.cores.indices.map { SplitMix64(seed: model.effectiveSeed(ofCore: $0, seedOverride: seed)) }
    var index: [Int: Int] = [:]
    for (k, c) in model.cores.enumerated() { index[chip.coreID(x: c.x, y: c.y)] = k }
    indexOfCore = index
  }

  func inject(_ s: InputSpike) {
    pending[s.tick, default: []].insert([indexOfCore[Int(s.core)]!, Int(s.axon)])
  }

  func clamp(_ v: Int) -> Int { min(max(v, chip.potentialRange.lowerBound), chip.potentialRange.upperBound) }

  func sign(_ v: Int) -> Int { v > 0 ? 1 : v < 0 ? -1 : 0 }

  /// One tick; returns every spike fired (pin = -1 unless sent to a pin).
  func step() -> [OutputSpike] {
    var fired: [OutputSpike] = []
    let arriving = pending.removeValue(forKey: tick) ?? []
    for (k, core) in model.cores.enumerated() {
      let active = Set(arriving.filter { $0[0] == k }.map { $0[1] })
      // Phase 1: synaptic integration; stochastic draws neuron by neuron, axons ascending.
      var input = [Int](repeating: 0, count: core.neurons.count)
      for (j, n) in core.neurons.enumerated() {
        for i in 0..<core.axonTypes.count where active.contains(i) && core.crossbar[i, j] {
          synapticEvents += 1
          let g = Int(core.axonTypes[i])
          let s = Int(n.weights[g])
          if n.stochasticSynapses >> UInt8(g) & 1 == 1 {
            let rho = Int(rng[k].next() >> 56)
            if abs(s) > rho { input[j] += sign(s) }
          } else {
            input[j] += s
          }
        }
      }
      // Phase 2: leak, threshold, fire, reset; draws neuron by neuron.
      for (j, n) in core.neurons.enumerated() {
        var v = clamp(potential[k][j] + input[j])
        let omega = n.leakReversal ? sign(v) : 1
        let lambda = Int(n.leak)
        if n.stochasticLeak {
          let rho = Int(rng[k].next() >> 56)
          if abs(lambda) > rho { v = clamp(v + omega * sign(lambda)) }
        } else {
          v = clamp(v + omega * lambda)
        }
        var eta = 0
        if n.thresholdMaskBits > 0 { eta = Int(UInt32(truncatingIfNeeded: rng[k].next())) & ((1 << Int(n.thresholdMaskBits)) - 1) }
        let alpha = Int(n.threshold)
        let beta = Int(n.negativeThreshold)
        let kappa = n.kappa ? 1 : 0
        if v >= alpha + eta {
          switch n.resetMode {
          case .normal: v = Int(n.resetPotential)
          case .linear: v = v - (alpha + eta)
          case .none: break
          }
          var pin: Int32 = -1
          switch n.destination {
          case .none: break
          case .pin(let p): pin = p
          case .axon(let dx, let dy, let axon, let delay):
            let target = indexOfCore[chip.coreID(x: core.x + Int(dx), y: core.y + Int(dy))]!
            pending[tick + Int64(delay), default: []].insert([target, Int(axon)])
          }
          fired.append(OutputSpike(tick: tick, core: Int32(chip.coreID(x: core.x, y: core.y)), neuron: Int32(j), pin: pin))
        } else if v < -(beta * kappa + (beta + eta) * (1 - kappa)) {
          if kappa == 1 {
            v = -beta
          } else {
            switch n.resetMode {
            case .normal: v = -Int(n.resetPotential)
            case .linear: v = v + (beta + eta)
            case .none: break
            }
          }
        }
        potential[k][j] = v
      }
    }
    tick += 1
    return fired.sorted()
  }
}
