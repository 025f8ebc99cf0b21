/// The hot loop: one tick of a range of cores, and the merge of their outgoing spikes.
extension SimulatorStorage {
  /// Copies a validated core configuration into the flat state of core `k`, its parameters into
  /// the sets from `parameterBase` on (one set when `uniform`, else one per neuron).
  func load(core k: Int, from config: CoreConfig, chip: ChipDefinition, compactIndex: [Int32], seed: UInt64,
    parameterBase firstSet: Int, uniform: Bool)
  {
    let base = k * stride
    var coreFlag: UInt8 = uniform ? Self.uniform : 0
    parameterBase[k] = Int32(firstSet)
    for i in 0..<config.crossbar.axons {
      for w in 0..<4 { crossbar[(base + i) * 4 + w] = config.crossbar.words[i * 4 + w] }
      axonTypes[k * 8 + i >> 5] |= UInt64(config.axonTypes[i] & 3) << UInt64((i & 31) * 2)
    }
    for (j, n) in config.neurons.enumerated() {
      for g in 0..<4 where n.stochasticSynapses >> UInt8(g) & 1 == 1 {
        deterministic[(k * 4 + g) * 4 + j >> 6] &= ~(1 << UInt64(j & 63))
        coreFlag |= Self.hasStochasticSynapses
      }
      if n.stochasticLeak || n.thresholdMaskBits > 0 { coreFlag |= Self.drawsWithoutInput }
      if !uniform || j == 0 {
        let p = firstSet + (uniform ? 0 : j)
        for g in 0..<4 { weight[weightIndex(firstSet: firstSet, uniform: uniform, type: g, neuron: j)] = Int16(n.weights[g]) }
        stochasticSynapses[p] = n.stochasticSynapses & 0xF
        leak[p] = Int16(n.leak)
        var f: UInt8 = UInt8(n.resetMode.rawValue) << Self.resetShift
        if n.stochasticLeak { f |= Self.stochasticLeakFlag }
        if n.leakReversal { f |= Self.leakReversalFlag }
        if n.kappa { f |= Self.kappaFlag }
        flags[p] = f
        if uniform { bucketPlan[k] = Self.bucketPlan(weights: (0..<4).map { n.weights[$0] }) }
        threshold[p] = n.threshold
        negativeThreshold[p] = n.negativeThreshold
        thresholdMask[p] = Int32(truncatingIfNeeded: (Int64(1) << Int64(n.thresholdMaskBits)) - 1)
        resetPotential[p] = n.resetPotential
      }
      potential[base + j] = n.potential
      switch n.destination {
      case .none:
        route[base + j] = Self.noRoute
      case .pin(let p):
        route[base + j] = UInt64(UInt32(bitPattern: -2)) << 32 | UInt64(UInt32(p))
      case .axon(let dx, let dy, let axon, let delay):
        let target = compactIndex[chip.coreID(x: config.x + Int(dx), y: config.y + Int(dy))]
        route[base + j] = UInt64(UInt32(bitPattern: target)) << 32 | UInt64(UInt32(axon) | UInt32(delay) << 8)
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
  /// merge is deterministic whatever order the partitions ran and delivered in.
  func deliver(_ outgoing: SpikeBuffer) {
    guard let spikes = outgoing.base else { return }
    for i in 0..<outgoing.count {
      let packed = spikes[i]
      schedule(core: Int(packed >> 12), slot: Int(packed >> 8 & 15), axon: Int(packed & 255))
    }
  }

  @inline(__always)
  func clamp(_ v: Int32) -> Int32 { min(max(v, vMin), vMax) }

  /// Rows gathered per block of cores, and cores per block.
  static let blockRows = 512
  static let blockCores = 16

  /// Runs tick `t` for the cores in `range`, writing their outgoing spikes into `outgoing` (one
  /// buffer per partition, by the partition of the target core; cleared first) and their reported
  /// spikes and counts into `result` (cleared first).
  ///
  /// The cores go in blocks: first the crossbar rows of every active axon of the block are copied
  /// into a buffer, loads that do not depend on each other, so the processor has many of these
  /// cache misses in flight at once; then each core of the block is integrated and updated.
  func run(cores range: Range<Int>, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreIDs: [Int32],
    outgoing out: UnsafeMutablePointer<SpikeBuffer>, partitions: Int, into result: inout Simulator.PartitionResult)
  {
    for d in 0..<partitions { out[d].count = 0 }
    result.routes.removeAll(keepingCapacity: true)
    result.coreEvents.removeAll(keepingCapacity: true)
    result.spikes.removeAll(keepingCapacity: true)
    result.synapticEvents = 0
    result.fired = 0
    result.computed = 0
    let slot = Int(t & 15)
    let vectorUpdate = neurons % 8 == 0
    let fusedUpdate = neurons % 32 == 0
    // acc: 256 Int32 inputs; counts: 4 types x 256 UInt8 active-synapse counts; active: the block's
    // active-axon words; rowIndex and rows: the block's gathered rows; fired: the block's firing
    // neurons (k * stride + j); routes: their routes, a batch at a time.
    // rowWeight: the weight of each active axon of a core (fused path); fired has room for the
    // eight indices the fused update stores past the count.
    let firedCapacity = Self.blockCores * 256 + 8, routeBatch = 256
    let sizes = [1024, 1024, Self.blockCores * 32, Self.blockRows * 4, Self.blockRows * 32, firedCapacity * 4, routeBatch * 8, 512]
    withUnsafeTemporaryAllocation(byteCount: sizes.reduce(0, +), alignment: 64) { scratch in
      var raw = scratch.baseAddress!
      func take<T>(_ type: T.Type, _ bytes: Int) -> UnsafeMutablePointer<T> {
        defer { raw += bytes }
        return raw.bindMemory(to: T.self, capacity: bytes / MemoryLayout<T>.stride)
      }
      let acc = take(Int32.self, sizes[0])
      let counts = take(UInt64.self, sizes[1])
      let active = take(UInt64.self, sizes[2])
      let rowIndex = take(UInt32.self, sizes[3])
      let rows = take(UInt64.self, sizes[4])
      let fired = take(UInt32.self, sizes[5])
      let routes = take(UInt64.self, sizes[6])
      let rowWeight = take(Int16.self, sizes[7])
      var k0 = range.lowerBound
      while k0 < range.upperBound {
        // Gather: take the block's inputs out of the scheduler, list their rows, then copy them in
        // a loop of independent loads.
        var k1 = k0
        var n = 0
        while k1 < range.upperBound && k1 - k0 < Self.blockCores {
          let s = scheduler + (k1 * 16 + slot) * 4
          let a = SIMD4(s[0], s[1], s[2], s[3])
          let count = a.popcount
          guard n + count <= Self.blockRows else { break }
          s.update(repeating: 0, count: 4)
          let b = active + (k1 - k0) * 4
          for w in 0..<4 {
            b[w] = a[w]
            var bits = a[w]
            while bits != 0 {
              rowIndex[n] = UInt32(truncatingIfNeeded: k1 * stride + w << 6 | bits.trailingZeroBitCount)
              bits &= bits &- 1
              n += 1
            }
          }
          k1 += 1
        }
        for m in 0..<n {
          let from = UnsafeRawPointer(crossbar + Int(rowIndex[m]) * 4)
          UnsafeMutableRawPointer(rows + m * 4).storeBytes(of: from.load(as: SIMD4<UInt64>.self), as: SIMD4<UInt64>.self)
        }
        // Integrate and update the block's cores.
        var next = 0
        var firing = 0
        for k in k0..<k1 {
          let b = active + (k - k0) * 4
          let words = SIMD4(b[0], b[1], b[2], b[3])
          let hasInput = words != .zero
          if !hasInput && coreFlags[k] & Self.quiescent != 0 { continue }
          result.computed += 1
          let plan = bucketPlan[k]
          if fusedUpdate && coreFlags[k] & (Self.drawsWithoutInput | Self.uniform | Self.hasStochasticSynapses) == Self.uniform
            && plan & Self.smallWeights != 0 && words.popcount < 255
          {
            let (events, changed) = integrateAndUpdate(core: k, active: words, rows: rows + next * 4, rowWeight: rowWeight,
              input: UnsafeMutableRawPointer(acc), fired: fired, count: &firing)
            next += words.popcount
            if hasInput {
              result.synapticEvents += Int64(events)
              if recordTraffic { result.coreEvents.append(UInt64(k) << 32 | UInt64(events)) }
            }
            if hasInput || changed { coreFlags[k] &= ~Self.quiescent } else { coreFlags[k] |= Self.quiescent }
            continue
          }
          acc.initialize(repeating: 0, count: 256)
          if hasInput {
            let events = integrate(core: k, active: words, rows: rows + next * 4, counts: counts, input: acc)
            next += words.popcount
            result.synapticEvents += events
            if recordTraffic { result.coreEvents.append(UInt64(k) << 32 | UInt64(events)) }
          }
          let changed: Bool
          if vectorUpdate && coreFlags[k] & Self.drawsWithoutInput == 0 {
            changed = updateDeterministic(core: k, input: acc, fired: fired, count: &firing)
          } else {
            changed = update(core: k, input: acc, fired: fired, count: &firing)
          }
          if hasInput || changed || coreFlags[k] & Self.drawsWithoutInput != 0 {
            coreFlags[k] &= ~Self.quiescent
          } else {
            coreFlags[k] |= Self.quiescent
          }
        }
        // Route the block's spikes, loading a batch of routes (independent loads) before using them.
        for first in Swift.stride(from: 0, to: firing, by: routeBatch) {
          let last = min(first + routeBatch, firing)
          for f in first..<last { routes[f - first] = route[Int(fired[f])] }
          for f in first..<last {
            // stride = 256
            let n = Int(fired[f])
            emit(core: n >> 8, neuron: n & 255, route: routes[f - first], tick: t, recordAll: recordAll,
              recordTraffic: recordTraffic, coreID: coreIDs[n >> 8], outgoing: out, into: &result)
          }
        }
        result.fired += Int64(firing)
        k0 = k1
      }
    }
  }

  /// Byte k of `byteLanes[b]` is bit k of b: a row byte turned into eight one-byte counts.
  static let byteLanes: [UInt64] = (0..<256).map { b in
    (0..<8).reduce(0) { word, k in word | UInt64(b >> k & 1) << UInt64(8 * k) }
  }

  /// Byte i of `bitIndices[m]` is the index of the i-th set bit of m (the bytes past the count are
  /// 0): eight lanes' firing bits turned into their neurons' indices without a branch per neuron.
  static let bitIndices: [UInt64] = (0..<256).map { m in
    var word: UInt64 = 0
    var i: UInt64 = 0
    for b in 0..<8 where m >> b & 1 == 1 {
      word |= UInt64(b) << (8 * i)
      i += 1
    }
    return word
  }

  /// Integration and update fused, for a core whose neurons share one parameter set without
  /// draws (no stochastic synapses, leak or threshold mask), whose weights are at most 128 in
  /// magnitude (`smallWeights`) and which has fewer than 255 active axons: the input of a neuron,
  /// the sum of the weights of its active synapses, has magnitude at most 254 x 128, so it is
  /// summed in 16 bits, sixteen neurons per SIMD step, straight into the update. Neurons that fire
  /// are listed in `fired` from `count` on, ascending; eight entries past the new count may be
  /// overwritten.
  /// - Returns: the number of synaptic events, and whether any neuron's potential changed or any
  ///   neuron fired.
  @inline(__always)
  func integrateAndUpdate(core k: Int, active words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    rowWeight: UnsafeMutablePointer<Int16>, input: UnsafeMutableRawPointer, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> (events: Int, changed: Bool)
  {
    let w = weight + Int(parameterBase[k]) * 4
    var m = 0
    let events = forEachActiveAxon(core: k, words, rows: rows) { _, g, _ in
      rowWeight[m] = w[g]
      m += 1
    }
    let changed =
      flags[Int(parameterBase[k])] & Self.leakReversalFlag != 0
      ? fusedUpdate(core: k, rows: rows, rowWeight: rowWeight, count: m, input: input, reversal: true, fired: list, count: &count)
      : fusedUpdate(core: k, rows: rows, rowWeight: rowWeight, count: m, input: input, reversal: false, fired: list, count: &count)
    return (events, changed)
  }

  /// The update of `integrateAndUpdate`, specialised on leak reversal; the reset mode and kappa
  /// are folded into per-core constants, so that the loop has no data-dependent branch: a lane
  /// that fires becomes (V & kF) + aF, a lane below -beta (V & kB) + aB. The input of sixteen
  /// neurons is the sum over the `n` active rows of the row's weight in the lanes whose bit is
  /// set, kept at `input` (256 Int16) between the two loops. The firing lanes of 32 neurons are gathered into one word whose bytes index
  /// `bitIndices`.
  @inline(__always)
  func fusedUpdate(core k: Int, rows: UnsafeMutablePointer<UInt64>, rowWeight: UnsafeMutablePointer<Int16>, count n: Int,
    input: UnsafeMutableRawPointer, reversal: Bool, fired list: UnsafeMutablePointer<UInt32>, count: inout Int) -> Bool
  {
    typealias V = SIMD8<Int32>
    typealias H = SIMD16<Int16>
    let base = k * stride
    let p = Int(parameterBase[k])
    let pot = UnsafeMutableRawPointer(potential + base)
    let chunks = UnsafeRawPointer(rows)
    let lo = V(repeating: vMin), hi = V(repeating: vMax)
    let lambda = V(repeating: Int32(leak[p]))
    let alpha = V(repeating: threshold[p]), beta = V(repeating: negativeThreshold[p])
    let f = flags[p]
    let mode = f >> Self.resetShift & 3
    let r = resetPotential[p]
    // Fire (V >= alpha): mode 0 -> R, mode 1 -> V - alpha, mode 2 -> V.
    let kF = V(repeating: mode == 0 ? 0 : -1)
    let aF = V(repeating: mode == 0 ? r : mode == 1 ? 0 &- threshold[p] : 0)
    // Below (V < -beta): kappa -> -beta, else mode 0 -> -R, mode 1 -> V + beta, mode 2 -> V.
    let kB: V, aB: V
    if f & Self.kappaFlag != 0 {
      (kB, aB) = (.zero, V(repeating: 0 &- negativeThreshold[p]))
    } else {
      kB = V(repeating: mode == 0 ? 0 : -1)
      aB = V(repeating: mode == 0 ? 0 &- r : mode == 1 ? negativeThreshold[p] : 0)
    }
    let lane = SIMD16<UInt16>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
    let bit = V(1, 2, 4, 8, 16, 32, 64, 128)
    let indices = UnsafeRawPointer(tables + 256)
    var changed = V.zero
    // The inputs, 128 neurons at a time: eight sums in registers over the rows (one loop exit per
    // pass), then stored. Bits 16 ch ..< 16 ch + 16 of a little-endian row are its 16-bit word ch.
    for c0 in Swift.stride(from: 0, to: neurons, by: 128) {
      var a = (H.zero, H.zero, H.zero, H.zero, H.zero, H.zero, H.zero, H.zero)
      for m in 0..<n {
        let w = H(repeating: rowWeight[m])
        let r = chunks + m * 32 + c0 / 8
        @inline(__always) func term(_ i: Int) -> H {
          let bits = SIMD16<UInt16>(repeating: r.load(fromByteOffset: 2 * i, as: UInt16.self))
          return H.zero.replacing(with: w, where: bits & lane .== lane)
        }
        a.0 &+= term(0); a.1 &+= term(1); a.2 &+= term(2); a.3 &+= term(3)
        a.4 &+= term(4); a.5 &+= term(5); a.6 &+= term(6); a.7 &+= term(7)
      }
      let to = input + c0 * 2
      to.storeBytes(of: a.0, toByteOffset: 0, as: H.self); to.storeBytes(of: a.1, toByteOffset: 32, as: H.self)
      to.storeBytes(of: a.2, toByteOffset: 64, as: H.self); to.storeBytes(of: a.3, toByteOffset: 96, as: H.self)
      to.storeBytes(of: a.4, toByteOffset: 128, as: H.self); to.storeBytes(of: a.5, toByteOffset: 160, as: H.self)
      to.storeBytes(of: a.6, toByteOffset: 192, as: H.self); to.storeBytes(of: a.7, toByteOffset: 224, as: H.self)
    }
    for c32 in Swift.stride(from: 0, to: neurons, by: 32) {
      var fireBits = V.zero
      for h in 0..<2 {
        for half in 0..<2 {
          let g = 2 * h + half
          let j = c32 + g * 8
          let old = pot.loadUnaligned(fromByteOffset: j * 4, as: V.self)
          let x = V(truncatingIfNeeded: UnsafeRawPointer(input).load(fromByteOffset: j * 2, as: SIMD8<Int16>.self))
          var v = (old &+ x).clamped(lowerBound: lo, upperBound: hi)
          if reversal {
            let negative = v &>> 31
            v = (v &+ (((lambda ^ negative) &- negative) & ~Self.isZero(v))).clamped(lowerBound: lo, upperBound: hi)
          } else {
            v = (v &+ lambda).clamped(lowerBound: lo, upperBound: hi)
          }
          // Lane masks from shifted differences, which cannot overflow (see updateDeterministic).
          let fire = ~((v &- alpha) &>> 31)
          let below = (v &+ beta) &>> 31
          v = Self.select(fire, (v & kF) &+ aF, Self.select(below, (v & kB) &+ aB, v))
          pot.storeBytes(of: v, toByteOffset: j * 4, as: V.self)
          changed |= (v ^ old) | fire
          fireBits |= fire & (bit &<< V(repeating: Int32(8 * g)))
        }
      }
      // The lanes' bits are disjoint, so their sum is their union.
      let word = UInt32(truncatingIfNeeded: fireBits.wrappedSum())
      for y in 0..<4 {
        let m = Int(word >> UInt32(8 * y) & 0xFF)
        let at = SIMD8<UInt32>(truncatingIfNeeded: indices.load(fromByteOffset: m * 8, as: SIMD8<UInt8>.self))
          &+ UInt32(truncatingIfNeeded: base + c32 + 8 * y)
        UnsafeMutableRawPointer(list + count).storeBytes(of: at, as: SIMD8<UInt32>.self)
        count += m.nonzeroBitCount
      }
    }
    return changed != .zero
  }

  /// Synaptic integration of core `k`, whose active axons' rows are gathered at `rows` in
  /// ascending axon order: counts, per axon type, the active axons connected to each neuron
  /// through deterministic synapses (one byte per neuron, eight neurons per 64-bit add of a table
  /// entry), adds count x weight to `input`, and adds the stochastic synapses' draws in the
  /// documented order.
  /// - Returns: the number of synaptic events.
  @inline(__always)
  func integrate(core k: Int, active words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    counts: UnsafeMutablePointer<UInt64>, input acc: UnsafeMutablePointer<Int32>) -> Int64
  {
    let base = k * stride
    let stochastic = coreFlags[k] & Self.hasStochasticSynapses != 0
    let typeWords = axonTypes + k * 8
    var events = 0
    var buckets: UInt8 = 0
    var pending = 0
    // Types share a count bucket when their weights are the same for every neuron (checked for
    // uniform cores: the first type with that weight), and types of weight 0 add nothing, so the
    // counts are multiplied by fewer weights.
    let plan = bucketPlan[k]
    let bucketOf = UInt8(truncatingIfNeeded: plan), skip = UInt8(truncatingIfNeeded: plan >> 8 & 15)
    Self.byteLanes.withUnsafeBufferPointer { table in
      let lanes = table.baseAddress!
      events = forEachActiveAxon(core: k, words, rows: rows) { _, g, row in
        if skip >> g & 1 == 0 {
          let b = Int(bucketOf >> (2 * g) & 3)
          let c = counts + b * 32
          if buckets >> b & 1 == 0 {
            buckets |= 1 << b
            c.initialize(repeating: 0, count: 32)
          }
          let det = deterministic + (k * 4 + g) * 4
          for rw in 0..<4 {
            var r = row[rw]
            if stochastic { r &= det[rw] }
            guard r != 0 else { continue }
            let q = c + rw * 8
            for b in 0..<8 {
              q[b] &+= lanes[Int(truncatingIfNeeded: r & 0xFF)]
              r &>>= 8
            }
          }
        }
        // A byte count holds at most 255: add the counts in before a 256th axon could overflow one.
        pending += 1
        if pending == 255 {
          addCounts(core: k, types: buckets, counts: counts, into: acc)
          buckets = 0
          pending = 0
        }
      }
    }
    addCounts(core: k, types: buckets, counts: counts, into: acc)
    if stochastic {
      let p0 = Int(parameterBase[k]), ps = parameterStride(k)
      // Neuron-major, axons ascending: the documented order of stochastic-synapse draws.
      for j in 0..<neurons where stochasticSynapses[p0 + j * ps] != 0 {
        let p = p0 + j * ps
        let mask = stochasticSynapses[p]
        for w in 0..<4 {
          var bits = words[w]
          while bits != 0 {
            let i = w << 6 | bits.trailingZeroBitCount
            bits &= bits &- 1
            let g = Int(truncatingIfNeeded: typeWords[i >> 5] >> UInt64((i & 31) * 2) & 3)
            guard mask >> g & 1 == 1, crossbar[(base + i) * 4 + j >> 6] >> UInt64(j & 63) & 1 == 1 else { continue }
            let s = Int32(weight[weightIndex(firstSet: p0, uniform: ps == 0, type: g, neuron: j)])
            if NeuronRandom.happens(s, rho: NeuronRandom.rho(&rng[k])) { acc[j] &+= s.signum() }
          }
        }
      }
    }
    return Int64(events)
  }

  /// Calls `body(axon, type, row)` for every active axon of core `k` (set bits of `words`) in
  /// ascending order, `row` pointing at its gathered row (the rows follow each other at `rows`).
  /// - Returns: the synaptic events, the synapses in those rows.
  @inline(__always)
  func forEachActiveAxon(core k: Int, _ words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    _ body: (_ axon: Int, _ type: Int, _ row: UnsafeMutablePointer<UInt64>) -> Void) -> Int
  {
    let typeWords = axonTypes + k * 8
    var events = 0
    var row = rows
    for w in 0..<4 {
      var bits = words[w]
      while bits != 0 {
        let i = w << 6 | bits.trailingZeroBitCount
        bits &= bits &- 1
        let g = Int(truncatingIfNeeded: typeWords[i >> 5] >> UInt64((i & 31) * 2) & 3)
        events &+= row[0].nonzeroBitCount &+ row[1].nonzeroBitCount &+ row[2].nonzeroBitCount &+ row[3].nonzeroBitCount
        body(i, g, row)
        row += 4
      }
    }
    return events
  }

  /// Where s^G of neuron j is: a core's weights are type-major from its first set's index x 4
  /// (one per type for a uniform core, else one per neuron and type).
  @inline(__always)
  func weightIndex(firstSet p0: Int, uniform: Bool, type g: Int, neuron j: Int) -> Int {
    uniform ? p0 * 4 + g : p0 * 4 + g * neurons + j
  }

  /// input[j] += counts[G][j] * s^G_j for the types G in `types`, eight or sixteen neurons per
  /// SIMD step (sixteen with 16-bit products when a uniform core's weight is at most 128, as
  /// 255 x 128 fits).
  @inline(__always)
  func addCounts(core k: Int, types: UInt8, counts: UnsafeMutablePointer<UInt64>, into acc: UnsafeMutablePointer<Int32>) {
    let c = UnsafeRawPointer(counts)
    let a = UnsafeMutableRawPointer(acc)
    let p0 = Int(parameterBase[k])
    let uniform = coreFlags[k] & Self.uniform != 0
    for g in 0..<4 where types >> g & 1 != 0 {
      let w = weight + weightIndex(firstSet: p0, uniform: uniform, type: g, neuron: 0)
      var j = 0
      if uniform {
        guard w[0] != 0 else { continue }
        if w[0].magnitude <= 128 {
          let s = SIMD16<Int16>(repeating: w[0])
          while j + 16 <= neurons {
            let n = SIMD16<Int16>(truncatingIfNeeded: c.loadUnaligned(fromByteOffset: g * 256 + j, as: SIMD16<UInt8>.self))
            let product = n &* s
            let low = a.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self) &+ SIMD8(truncatingIfNeeded: product.lowHalf)
            let high = a.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Int32>.self) &+ SIMD8(truncatingIfNeeded: product.highHalf)
            a.storeBytes(of: low, toByteOffset: j * 4, as: SIMD8<Int32>.self)
            a.storeBytes(of: high, toByteOffset: j * 4 + 32, as: SIMD8<Int32>.self)
            j += 16
          }
        }
      }
      let broadcast = SIMD8<Int32>(repeating: Int32(w[0]))
      while j + 8 <= neurons {
        let n = SIMD8<Int32>(truncatingIfNeeded: c.loadUnaligned(fromByteOffset: g * 256 + j, as: SIMD8<UInt8>.self))
        let s = uniform ? broadcast : SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(w + j).loadUnaligned(as: SIMD8<Int16>.self))
        let sum = a.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self) &+ n &* s
        a.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD8<Int32>.self)
        j += 8
      }
      while j < neurons {
        acc[j] &+= Int32(c.load(fromByteOffset: g * 256 + j, as: UInt8.self)) &* Int32(w[uniform ? 0 : j])
        j += 1
      }
    }
  }

  /// Leak, threshold, fire and reset of every neuron of core `k`, after integration: the scalar
  /// version, for cores whose neurons draw random numbers. Neurons that fire are listed in
  /// `fired` from `count` on, ascending.
  /// - Returns: whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func update(core k: Int, input acc: UnsafeMutablePointer<Int32>, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> Bool
  {
    let base = k * stride
    let p0 = Int(parameterBase[k]), ps = parameterStride(k)
    var changed = false
    for j in 0..<neurons {
      let n = base + j
      let p = p0 + j * ps
      let old = potential[n]
      var v = clamp(old &+ acc[j])
      let f = flags[p]
      let lambda = Int32(leak[p])
      let omega: Int32 = f & Self.leakReversalFlag != 0 ? v.signum() : 1
      if f & Self.stochasticLeakFlag != 0 {
        if NeuronRandom.happens(lambda, rho: NeuronRandom.rho(&rng[k])) { v = clamp(v &+ omega &* lambda.signum()) }
      } else if lambda != 0 {
        v = clamp(v &+ omega &* lambda)
      }
      let mask = thresholdMask[p]
      let eta = mask != 0 ? NeuronRandom.eta(&rng[k], mask: mask) : 0
      let alpha = threshold[p]
      let beta = negativeThreshold[p]
      let kappa = f & Self.kappaFlag != 0
      let mode = f >> Self.resetShift & 3
      var fired = false
      if v >= alpha &+ eta {
        fired = true
        switch mode {
        case 0: v = resetPotential[p]
        case 1: v = v &- (alpha &+ eta)
        default: break
        }
      } else if v < (kappa ? -beta : -(beta &+ eta)) {
        if kappa {
          v = -beta
        } else {
          switch mode {
          case 0: v = -resetPotential[p]
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
      list[count] = UInt32(truncatingIfNeeded: n)
      count += 1
    }
    return changed
  }

  /// Lane k = 2^k: turns a lane mask into bits.
  static let laneBits = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)

  /// The update of `update(core:...)` for a core none of whose neurons draws random numbers
  /// (no stochastic leak, TM = 0, so eta = 0), eight neurons per SIMD step. Conditions are lane
  /// masks (all ones or zero) made with shifts of differences, which cannot overflow here: V lies
  /// in the potential range and the thresholds and R in theirs, all within 31 bits.
  /// - Returns: whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func updateDeterministic(core k: Int, input acc: UnsafeMutablePointer<Int32>, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> Bool
  {
    typealias V = SIMD8<Int32>
    let base = k * stride
    let p0 = Int(parameterBase[k])
    let uniform = coreFlags[k] & Self.uniform != 0
    let lo = V(repeating: vMin), hi = V(repeating: vMax)
    let pot = UnsafeMutableRawPointer(potential + base)
    let inp = UnsafeRawPointer(acc)
    // A uniform core's parameters, broadcast once.
    let uLeak = V(repeating: Int32(leak[p0])), uFlags = V(repeating: Int32(flags[p0]))
    let uAlpha = V(repeating: threshold[p0]), uBeta = V(repeating: negativeThreshold[p0])
    let uReset = V(repeating: resetPotential[p0])
    var changed = V.zero
    for c in Swift.stride(from: 0, to: neurons, by: 8) {
      let lambda: V, f: V, alpha: V, beta: V
      if uniform {
        (lambda, f, alpha, beta) = (uLeak, uFlags, uAlpha, uBeta)
      } else {
        let p = p0 + c
        lambda = V(truncatingIfNeeded: UnsafeRawPointer(leak + p).loadUnaligned(as: SIMD8<Int16>.self))
        f = V(truncatingIfNeeded: UnsafeRawPointer(flags + p).loadUnaligned(as: SIMD8<UInt8>.self))
        alpha = UnsafeRawPointer(threshold + p).loadUnaligned(as: V.self)
        beta = UnsafeRawPointer(negativeThreshold + p).loadUnaligned(as: V.self)
      }
      let old = pot.loadUnaligned(fromByteOffset: c * 4, as: V.self)
      var v = (old &+ inp.loadUnaligned(fromByteOffset: c * 4, as: V.self)).clamped(lowerBound: lo, upperBound: hi)
      // Leak: omega * lambda, omega = sign(V) with leak reversal, else 1.
      let reversal = V.zero &- (f &>> 1 & 1)
      let negative = v &>> 31
      let reversed = ((lambda ^ negative) &- negative) & ~Self.isZero(v)  // sign(V) * lambda
      v = (v &+ Self.select(reversal, reversed, lambda)).clamped(lowerBound: lo, upperBound: hi)
      // Threshold (eta = 0): most steps have no neuron at either threshold and are done here.
      let fire = ~((v &- alpha) &>> 31)
      let below = (v &+ beta) &>> 31
      // Lanes are 0 or -1: the sums are vector reductions, where `!= .zero` would test lane by lane.
      var bits = (fire & Self.laneBits).wrappedSum()
      if bits | (below & Self.laneBits).wrappedSum() != 0 {
        v = Self.reset(v, fire: fire, below: below, flags: f, alpha: alpha, beta: beta,
          resetPotential: uniform ? uReset : UnsafeRawPointer(resetPotential + p0 + c).loadUnaligned(as: V.self))
        while bits != 0 {
          list[count] = UInt32(truncatingIfNeeded: base + c + Int(bits.trailingZeroBitCount))
          count += 1
          bits &= bits &- 1
        }
        changed |= fire
      }
      pot.storeBytes(of: v, toByteOffset: c * 4, as: V.self)
      changed |= v ^ old
    }
    return (0..<8).contains { changed[$0] != 0 }
  }

  /// Reset after a threshold (eta = 0) of the lanes in `fire` (V >= alpha) and `below` (V < -beta).
  @inline(never)
  static func reset(_ v: SIMD8<Int32>, fire: SIMD8<Int32>, below: SIMD8<Int32>, flags f: SIMD8<Int32>, alpha: SIMD8<Int32>,
    beta: SIMD8<Int32>, resetPotential reset: SIMD8<Int32>) -> SIMD8<Int32>
  {
    let mode = f &>> 3 & 3
    let mode0 = isZero(mode), mode1 = isZero(mode ^ 1)
    let kappa = SIMD8.zero &- (f &>> 2 & 1)
    let onFire = select(mode0, reset, select(mode1, v &- alpha, v))
    let onBelow = select(kappa, SIMD8.zero &- beta, select(mode0, SIMD8.zero &- reset, select(mode1, v &+ beta, v)))
    return select(fire, onFire, select(below, onBelow, v))
  }

  /// All ones in the lanes where `x` is 0, else 0.
  @inline(__always)
  static func isZero(_ x: SIMD8<Int32>) -> SIMD8<Int32> { ~((x | (SIMD8.zero &- x)) &>> 31) }

  /// `a` in the lanes where `mask` is all ones, `b` where it is 0.
  @inline(__always)
  static func select(_ mask: SIMD8<Int32>, _ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> { b ^ ((a ^ b) & mask) }

  /// Reports and routes the spike of neuron `j` of core `k`, whose route is `r`.
  @inline(__always)
  func emit(core k: Int, neuron j: Int, route r: UInt64, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreID: Int32,
    outgoing out: UnsafeMutablePointer<SpikeBuffer>, into result: inout Simulator.PartitionResult)
  {
    let target = Int32(truncatingIfNeeded: r >> 32)
    let d = UInt32(truncatingIfNeeded: r)
    if target >= 0 {
      let when = UInt64((t &+ Int64(d >> 8)) & 15)
      out[Int(partitionOf[Int(target)])].append(UInt64(target) << 12 | when << 8 | UInt64(d & 255))
      if recordTraffic { result.routes.append(UInt64(k) << 32 | UInt64(target)) }
      if recordAll { result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1)) }
    } else if target == -2 {
      result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: Int32(bitPattern: d)))
    } else if recordAll {
      result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1))
    }
  }
}
