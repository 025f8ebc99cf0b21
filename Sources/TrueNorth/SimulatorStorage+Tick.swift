/// The hot loop: one tick of a range of cores, and the merge of their outgoing spikes.
extension SimulatorStorage {
  /// Copies a validated core configuration into the flat state of core `k`.
  func load(core k: Int, from config: CoreConfig, chip: ChipDefinition, compactIndex: [Int32], seed: UInt64) {
    let base = k * stride
    var coreFlag: UInt8 = 0
    for i in 0..<config.crossbar.axons {
      for w in 0..<4 { crossbar[(base + i) * 4 + w] = config.crossbar.words[i * 4 + w] }
      rowSynapses[base + i] = UInt16(config.crossbar.row(i).popcount)
      axonType[base + i] = config.axonTypes[i]
    }
    for (j, n) in config.neurons.enumerated() {
      for g in 0..<4 {
        weight[k * 1024 + g * 256 + j] = n.weights[g]
        if n.stochasticSynapses >> UInt8(g) & 1 == 1 {
          deterministic[(k * 4 + g) * 4 + j >> 6] &= ~(1 << UInt64(j & 63))
          coreFlag |= Self.hasStochasticSynapses
        }
      }
      stochasticSynapses[base + j] = n.stochasticSynapses & 0xF
      leak[base + j] = n.leak
      var f: UInt8 = UInt8(n.resetMode.rawValue) << Self.resetShift
      if n.stochasticLeak { f |= Self.stochasticLeakFlag; coreFlag |= Self.drawsWithoutInput }
      if n.leakReversal { f |= Self.leakReversalFlag }
      if n.kappa { f |= Self.kappaFlag }
      flags[base + j] = f
      threshold[base + j] = n.threshold
      negativeThreshold[base + j] = n.negativeThreshold
      thresholdMask[base + j] = Int32(truncatingIfNeeded: (Int64(1) << Int64(n.thresholdMaskBits)) - 1)
      if n.thresholdMaskBits > 0 { coreFlag |= Self.drawsWithoutInput }
      resetPotential[base + j] = n.resetPotential
      potential[base + j] = n.potential
      switch n.destination {
      case .none:
        destCore[base + j] = -1
      case .pin(let p):
        destCore[base + j] = -2
        destAxon[base + j] = p
      case .axon(let dx, let dy, let axon, let delay):
        destCore[base + j] = compactIndex[chip.coreID(x: config.x + Int(dx), y: config.y + Int(dy))]
        destAxon[base + j] = axon
        destDelay[base + j] = UInt8(delay)
      }
    }
    // Neurons beyond the chip's core size stay at the quiet defaults and are never updated.
    coreFlags[k] = coreFlag
    rng[k] = SplitMix64(seed: seed)
  }

  @inline(__always)
  func schedule(core k: Int, slot: Int, axon: Int) {
    scheduler[(k * 16 + slot) * 4 + axon >> 6] |= 1 << UInt64(axon & 63)
    coreFlags[k] &= ~Self.quiescent
  }

  /// Applies outgoing spikes packed as (core << 12 | slot << 8 | axon). OR is order-free, so the
  /// merge is deterministic whatever order the partitions ran in.
  func deliver(_ outgoing: [UInt64]) {
    for packed in outgoing {
      schedule(core: Int(packed >> 12), slot: Int(packed >> 8 & 15), axon: Int(packed & 255))
    }
  }

  @inline(__always)
  func clamp(_ v: Int32) -> Int32 { min(max(v, vMin), vMax) }

  /// Runs tick `t` for the cores in `range`, writing their outgoing spikes and reported spikes
  /// into `result` (cleared first).
  func run(cores range: Range<Int>, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreIDs: [Int32],
    into result: inout Simulator.PartitionResult)
  {
    result.outgoing.removeAll(keepingCapacity: true)
    result.routes.removeAll(keepingCapacity: true)
    result.coreEvents.removeAll(keepingCapacity: true)
    result.spikes.removeAll(keepingCapacity: true)
    result.synapticEvents = 0
    result.fired = 0
    result.computed = 0
    let slot = Int(t & 15)
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256 + 512) { scratch in
      // acc: 256 Int32 inputs; counts: 4 types x 256 UInt16 active-synapse counts (same bytes as 512 Int32).
      let acc = scratch.baseAddress!
      let counts = UnsafeMutableRawPointer(acc + 256).bindMemory(to: UInt16.self, capacity: 1024)
      for k in range {
        let s = scheduler + (k * 16 + slot) * 4
        let a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3]
        let hasInput = (a0 | a1 | a2 | a3) != 0
        if !hasInput && coreFlags[k] & Self.quiescent != 0 { continue }
        s[0] = 0; s[1] = 0; s[2] = 0; s[3] = 0
        result.computed += 1
        acc.initialize(repeating: 0, count: 256)
        if hasInput {
          let events = integrate(core: k, active: SIMD4(a0, a1, a2, a3), counts: counts, stochasticInput: acc)
          result.synapticEvents += events
          if recordTraffic { result.coreEvents.append(UInt64(k) << 32 | UInt64(events)) }
          sumInputs(core: k, counts: counts, into: acc)
        }
        let changed = update(core: k, tick: t, recordAll: recordAll, recordTraffic: recordTraffic, coreID: coreIDs[k],
          input: acc, into: &result)
        if hasInput || changed || coreFlags[k] & Self.drawsWithoutInput != 0 {
          coreFlags[k] &= ~Self.quiescent
        } else {
          coreFlags[k] |= Self.quiescent
        }
      }
    }
  }

  /// Bit k of lane k: expands 16 crossbar bits into 16 lanes.
  static let laneBits = SIMD16<UInt16>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)

  /// Synaptic integration of core `k`: counts, per axon type, the active axons connected to each
  /// neuron (deterministic synapses, 16 neurons per SIMD step), and adds the stochastic synapses'
  /// draws to `stochasticInput` in the documented order.
  /// - Returns: the number of synaptic events.
  @inline(__always)
  func integrate(core k: Int, active words: SIMD4<UInt64>, counts: UnsafeMutablePointer<UInt16>,
    stochasticInput acc: UnsafeMutablePointer<Int32>) -> Int64
  {
    let base = k * stride
    let stochastic = coreFlags[k] & Self.hasStochasticSynapses != 0
    var events = 0
    counts.initialize(repeating: 0, count: 1024)
    let raw = UnsafeMutableRawPointer(counts)
    let laneBits = Self.laneBits
    for w in 0..<4 {
      var bits = words[w]
      while bits != 0 {
        let i = w << 6 | bits.trailingZeroBitCount
        bits &= bits &- 1
        let g = Int(axonType[base + i])
        let row = crossbar + (base + i) * 4
        let det = deterministic + (k * 4 + g) * 4
        events &+= Int(rowSynapses[base + i])
        for rw in 0..<4 {
          var r = row[rw]
          if stochastic { r &= det[rw] }
          var q = 0
          while r != 0 {
            let chunk = UInt16(truncatingIfNeeded: r)
            if chunk != 0 {
              let p = raw + (g * 256 + rw * 64 + q * 16) * 2
              // Lane k holds bit k of the chunk; (v | -v) >> 15 turns 2^k into 1 and keeps 0 (plain lane arithmetic,
              // which vectorises, unlike a SIMDMask).
              let v = SIMD16<UInt16>(repeating: chunk) & laneBits
              let c = p.loadUnaligned(as: SIMD16<UInt16>.self) &+ ((v | (SIMD16<UInt16>.zero &- v)) &>> 15)
              p.storeBytes(of: c, as: SIMD16<UInt16>.self)
            }
            r >>= 16
            q += 1
          }
        }
      }
    }
    if stochastic {
      // Neuron-major, axons ascending: the documented order of stochastic-synapse draws.
      for j in 0..<neurons where stochasticSynapses[base + j] != 0 {
        let mask = stochasticSynapses[base + j]
        for w in 0..<4 {
          var bits = words[w]
          while bits != 0 {
            let i = w << 6 | bits.trailingZeroBitCount
            bits &= bits &- 1
            let g = axonType[base + i]
            guard mask >> g & 1 == 1, crossbar[(base + i) * 4 + j >> 6] >> UInt64(j & 63) & 1 == 1 else { continue }
            let s = weight[k * 1024 + Int(g) * 256 + j]
            if NeuronRandom.happens(s, rho: NeuronRandom.rho(&rng[k])) { acc[j] &+= s.signum() }
          }
        }
      }
    }
    return Int64(events)
  }

  /// input[j] += sum over types G of counts[G][j] * s^G_j, eight neurons per SIMD step.
  @inline(__always)
  func sumInputs(core k: Int, counts: UnsafeMutablePointer<UInt16>, into acc: UnsafeMutablePointer<Int32>) {
    let w = UnsafeRawPointer(weight + k * 1024)
    let c = UnsafeRawPointer(counts)
    let a = UnsafeMutableRawPointer(acc)
    for j in Swift.stride(from: 0, to: 256, by: 8) {
      var sum = a.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self)
      for g in 0..<4 {
        let n = SIMD8<Int32>(truncatingIfNeeded: c.loadUnaligned(fromByteOffset: (g * 256 + j) * 2, as: SIMD8<UInt16>.self))
        sum &+= n &* w.loadUnaligned(fromByteOffset: (g * 256 + j) * 4, as: SIMD8<Int32>.self)
      }
      a.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD8<Int32>.self)
    }
  }

  /// Leak, threshold, fire and reset of every neuron of core `k`, after integration.
  /// - Returns: whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func update(core k: Int, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreID: Int32, input acc: UnsafeMutablePointer<Int32>,
    into result: inout Simulator.PartitionResult) -> Bool
  {
    let base = k * stride
    var changed = false
    for j in 0..<neurons {
      let n = base + j
      let old = potential[n]
      var v = clamp(old &+ acc[j])
      let f = flags[n]
      let lambda = leak[n]
      let omega: Int32 = f & Self.leakReversalFlag != 0 ? v.signum() : 1
      if f & Self.stochasticLeakFlag != 0 {
        if NeuronRandom.happens(lambda, rho: NeuronRandom.rho(&rng[k])) { v = clamp(v &+ omega &* lambda.signum()) }
      } else if lambda != 0 {
        v = clamp(v &+ omega &* lambda)
      }
      let mask = thresholdMask[n]
      let eta = mask != 0 ? NeuronRandom.eta(&rng[k], mask: mask) : 0
      let alpha = threshold[n]
      let beta = negativeThreshold[n]
      let kappa = f & Self.kappaFlag != 0
      let mode = f >> Self.resetShift & 3
      var fired = false
      if v >= alpha &+ eta {
        fired = true
        switch mode {
        case 0: v = resetPotential[n]
        case 1: v = v &- (alpha &+ eta)
        default: break
        }
      } else if v < (kappa ? -beta : -(beta &+ eta)) {
        if kappa {
          v = -beta
        } else {
          switch mode {
          case 0: v = -resetPotential[n]
          case 1: v = v &+ (beta &+ eta)
          default: break
          }
        }
      }
      if v != old {
        potential[n] = v
        changed = true
      }
      guard fired else { continue }
      changed = true
      result.fired += 1
      let target = destCore[n]
      if target >= 0 {
        let when = UInt64((t &+ Int64(destDelay[n])) & 15)
        result.outgoing.append(UInt64(target) << 12 | when << 8 | UInt64(destAxon[n]))
        if recordTraffic { result.routes.append(UInt64(k) << 32 | UInt64(target)) }
        if recordAll { result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1)) }
      } else if target == -2 {
        result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: destAxon[n]))
      } else if recordAll {
        result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1))
      }
    }
    return changed
  }
}
