/// The hot loop: one tick of a range of cores, and the merge of their outgoing spikes.
extension SimulatorStorage {
  /// Rows gathered per block of cores, and cores per block.
  static let blockRows = 512
  static let blockCores = 16
  /// Routes loaded per batch before their spikes are sent.
  static let routeBatch = 256
  /// Spikes ahead of the one being delivered whose scheduler word is prefetched.
  static let deliverAhead = 16

  /// Scratch memory of one `run` call, carved from one temporary allocation.
  struct Scratch {
    /// A core's inputs, `coreSize` Int32 (the fused path keeps `coreSize` Int16 there).
    let input: UnsafeMutablePointer<Int32>
    /// A core's active-synapse counts: `axonTypeCount` buckets x `coreSize` UInt8.
    let counts: UnsafeMutablePointer<UInt64>
    /// Two blocks' active-axon words, `rowWords` per core (`blockCores` cores a block): the block
    /// being run and the next one, listed ahead (`Listing.half`).
    let active: UnsafeMutablePointer<UInt64>
    /// Two blocks' rows in `crossbar` (`blockRows` a block), and the gathered rows of the block
    /// being run (`rowWords` words each).
    let rowIndex: UnsafeMutablePointer<UInt32>
    let rows: UnsafeMutablePointer<UInt64>
    /// The block's firing neurons (k * coreSize + j), with room for the `lanes` entries the fused
    /// update stores past the count.
    let fired: UnsafeMutablePointer<UInt32>
    /// The routes of a batch of firing neurons.
    let routes: UnsafeMutablePointer<UInt32>
    /// The weight of each active axon of a core (fused path).
    let rowWeight: UnsafeMutablePointer<Int16>
    /// A narrow core's potentials widened to Int32 (`narrowUpdateWidened`), `coreSize` of them.
    let wide: UnsafeMutablePointer<Int32>

    static let firedCapacity = blockCores * coreSize + lanes
    /// The fields' byte counts, in the order of `init` (the rows at a multiple of 64 bytes).
    static let byteCount =
      coreSize * 4 + axonTypeCount * coreSize + 2 * blockCores * rowWords * 8 + 2 * blockRows * 4 + blockRows * rowWords * 8
      + firedCapacity * 4 + routeBatch * 8 + coreSize * 2 + coreSize * 4

    init(_ raw: UnsafeMutableRawPointer) {
      var at = raw
      func take<T>(_: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
        defer { at += count * MemoryLayout<T>.stride }
        return at.bindMemory(to: T.self, capacity: count)
      }
      input = take(Int32.self, coreSize)
      counts = take(UInt64.self, axonTypeCount * coreSize / countsPerWord)
      active = take(UInt64.self, 2 * blockCores * rowWords)
      rowIndex = take(UInt32.self, 2 * blockRows)
      rows = take(UInt64.self, blockRows * rowWords)
      fired = take(UInt32.self, Self.firedCapacity)
      routes = take(UInt32.self, routeBatch)
      rowWeight = take(Int16.self, coreSize)
      wide = take(Int32.self, coreSize)
      assert(at - raw == Self.byteCount)
    }
  }

  /// Core `k`'s active-axon words for scheduler slot `slot`. The scheduler is slot-major: a slot
  /// is one array of every core's words, so the spikes delivered in a tick (mostly for one or
  /// two slots) write into `cores x 32` bytes rather than across the whole scheduler.
  @inline(__always)
  func scheduled(core k: Int, slot: Int) -> UnsafeMutablePointer<UInt64> {
    scheduler + (slot * cores + k) * Self.rowWords
  }

  @inline(__always)
  func schedule(core k: Int, slot: Int, axon: Int) {
    scheduled(core: k, slot: slot)[axon / Self.wordBits] |= 1 << UInt64(axon % Self.wordBits)
    coreFlags[k] &= ~Self.quiescent
  }

  /// Applies outgoing spikes packed by `SpikeBuffer.pack`. OR is order-free, so the merge is
  /// deterministic whatever order the partitions ran and delivered in.
  func deliver(_ outgoing: SpikeBuffer) {
    guard let spikes = outgoing.base else { return }
    for i in 0..<outgoing.count {
      if i + Self.deliverAhead < outgoing.count {
        let ahead = spikes[i + Self.deliverAhead]
        prefetchForWrite(
          scheduled(core: Int(ahead >> SpikeBuffer.coreShift), slot: Int(ahead >> SpikeBuffer.slotShift & SpikeBuffer.slotMask)))
      }
      let packed = spikes[i]
      schedule(core: Int(packed >> SpikeBuffer.coreShift), slot: Int(packed >> SpikeBuffer.slotShift & SpikeBuffer.slotMask),
        axon: Int(packed & SpikeBuffer.axonMask))
    }
  }

  @inline(__always)
  func clamp(_ v: Int32) -> Int32 { min(max(v, vMin), vMax) }

  /// Runs tick `t` for the cores in `range`, writing their outgoing spikes into `outgoing` (one
  /// buffer per partition, by the partition of the target core; cleared first) and their reported
  /// spikes and counts into `result` (cleared first).
  ///
  /// The cores go in blocks, in a pipeline: the next block's active axons are listed and their
  /// crossbar rows prefetched before the current block is integrated and updated, so that these
  /// cache misses overlap with the arithmetic; the current block's rows, by then in the caches,
  /// are copied into one buffer first.
  func run(cores range: Range<Int>, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreIDs: [Int32],
    outgoing out: UnsafeMutablePointer<SpikeBuffer>, partitions: Int, into result: inout Simulator.PartitionResult)
  {
    for d in 0..<partitions { out[d].count = 0 }
    result.clear()
    guard !range.isEmpty else { return }
    let slot = Int(t & Int64(Self.slotMask))
    withUnsafeTemporaryAllocation(byteCount: Scratch.byteCount, alignment: 64) { raw in
      let scratch = Scratch(raw.baseAddress!)
      var next = list(from: range.lowerBound, upTo: range.upperBound, slot: slot, half: 0, into: scratch)
      while true {
        let block = next
        copyRows(of: block, into: scratch)
        if block.cores.upperBound < range.upperBound {
          next = list(from: block.cores.upperBound, upTo: range.upperBound, slot: slot, half: 1 - block.half, into: scratch)
        }
        let firing = tick(block: block.cores, active: scratch.active + block.half * Self.blockCores * Self.rowWords,
          scratch: scratch, recordTraffic: recordTraffic, into: &result)
        routeSpikes(firing, scratch: scratch, tick: t, recordAll: recordAll, recordTraffic: recordTraffic, coreIDs: coreIDs,
          outgoing: out, into: &result)
        result.fired += Int64(firing)
        if block.cores.upperBound == range.upperBound { break }
      }
    }
  }

  /// A block of cores listed by `list`: its cores, and its active axons' rows in `crossbar` at
  /// `scratch.rowIndex + half * blockRows` (`rows` of them).
  struct Listing {
    var cores: Range<Int>
    var rows: Int
    var half: Int
  }

  /// Takes the inputs of a block of cores from `k0` on out of the scheduler (at most `blockCores`
  /// cores with at most `blockRows` active axons in all; at least one core) into the `half` of
  /// `scratch.active`, lists the rows of their active axons in that half of `scratch.rowIndex`,
  /// and prefetches those rows (the cores' potentials are prefetched one core ahead in `tick`).
  @inline(__always)
  func list(from k0: Int, upTo end: Int, slot: Int, half: Int, into s: Scratch) -> Listing {
    var k1 = k0
    var n = 0
    let rowIndex = s.rowIndex + half * Self.blockRows
    let active = s.active + half * Self.blockCores * Self.rowWords
    while k1 < end && k1 - k0 < Self.blockCores {
      let inputs = scheduled(core: k1, slot: slot)
      let a = SIMD4(inputs[0], inputs[1], inputs[2], inputs[3])
      let count = a.popcount
      guard n + count <= Self.blockRows else { break }
      inputs.update(repeating: 0, count: Self.rowWords)
      let b = active + (k1 - k0) * Self.rowWords
      for w in 0..<Self.rowWords {
        b[w] = a[w]
        var bits = a[w]
        while bits != 0 {
          let row = k1 * Self.coreSize + w * Self.wordBits | bits.trailingZeroBitCount
          rowIndex[n] = UInt32(truncatingIfNeeded: row)
          prefetch(crossbar + row * Self.rowWords)
          bits &= bits &- 1
          n += 1
        }
      }
      k1 += 1
    }
    return Listing(cores: k0..<k1, rows: n, half: half)
  }

  /// Copies the crossbar rows `block` lists into `scratch.rows`, in a loop of independent loads.
  @inline(__always)
  func copyRows(of block: Listing, into s: Scratch) {
    let rowIndex = s.rowIndex + block.half * Self.blockRows
    for m in 0..<block.rows {
      let from = UnsafeRawPointer(crossbar + Int(rowIndex[m]) * Self.rowWords)
      UnsafeMutableRawPointer(s.rows + m * Self.rowWords).storeBytes(
        of: from.load(as: SIMD4<UInt64>.self), as: SIMD4<UInt64>.self)
    }
  }

  /// Integrates and updates the cores of a gathered block (quiescent cores without input are
  /// skipped), listing their firing neurons in `scratch.fired`.
  /// - Returns: the number of firing neurons.
  @inline(__always)
  func tick(block: Range<Int>, active: UnsafeMutablePointer<UInt64>, scratch s: Scratch, recordTraffic: Bool,
    into result: inout Simulator.PartitionResult) -> Int
  {
    let vectorUpdate = neurons % Self.lanes == 0
    let fusable = neurons % Self.fireGroup == 0
    var rows = s.rows
    var firing = 0
    for k in block {
      let b = active + (k - block.lowerBound) * Self.rowWords
      let words = SIMD4(b[0], b[1], b[2], b[3])
      let hasInput = words != .zero
      if !hasInput && coreFlags[k] & Self.quiescent != 0 { continue }
      result.computed += 1
      // The next core's potentials, read and written in the update.
      if k + 1 < cores {
        let next = UnsafeRawPointer(potential + (k + 1) * Self.coreSize)
        let bytes = coreFlags[k + 1] & Self.narrow != 0 ? Self.coreSize * 2 : Self.coreSize * 4
        for line in Swift.stride(from: 0, to: bytes, by: 64) { prefetchForWrite(next + line) }
      }
      let activeAxons = words.popcount
      let before = firing
      let (events, changed) =
        fusable && takesFusedPath(core: k, activeAxons: activeAxons)
        ? integrateAndUpdate(core: k, active: words, rows: rows, rowWeight: s.rowWeight,
          input: UnsafeMutableRawPointer(s.input), fired: s.fired, count: &firing)
        : integrateThenUpdate(core: k, active: words, rows: rows, scratch: s, vectorUpdate: vectorUpdate, count: &firing)
      rows += activeAxons * Self.rowWords
      // The routes of the core's firing neurons, loaded after the block (`routeSpikes`).
      for f in before..<firing { prefetch(route + Int(s.fired[f])) }
      if hasInput {
        result.synapticEvents += Int64(events)
        if recordTraffic { result.coreEvents.append(UInt64(k) << 32 | UInt64(events)) }
      }
      if hasInput || changed || coreFlags[k] & Self.drawsWithoutInput != 0 {
        coreFlags[k] &= ~Self.quiescent
      } else {
        coreFlags[k] |= Self.quiescent
      }
    }
    return firing
  }

  /// Whether core `k` takes the fused integration and update (`integrateAndUpdate`): one
  /// parameter set without draws, small weights, fewer than `fusedMaxAxons` active axons.
  @inline(__always)
  func takesFusedPath(core k: Int, activeAxons: Int) -> Bool {
    coreFlags[k] & (Self.drawsWithoutInput | Self.uniform | Self.hasStochasticSynapses) == Self.uniform
      && bucketPlan[k] & Self.smallWeights != 0 && activeAxons < Self.fusedMaxAxons
  }

  /// Integration into `scratch.input` (only when some axon is active), then the SIMD update when
  /// no neuron draws and the core size allows it, else the scalar update.
  /// - Returns: the synaptic events, and whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func integrateThenUpdate(core k: Int, active words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>, scratch s: Scratch,
    vectorUpdate: Bool, count: inout Int) -> (events: Int, changed: Bool)
  {
    s.input.initialize(repeating: 0, count: Self.coreSize)
    let events = words == .zero ? 0 : integrate(core: k, active: words, rows: rows, counts: s.counts, input: s.input)
    let changed =
      coreFlags[k] & Self.narrow != 0
      ? narrowUpdateWidened(core: k, input: s.input, wide: s.wide, fired: s.fired, count: &count)
      : vectorUpdate && coreFlags[k] & Self.drawsWithoutInput == 0
        ? updateDeterministic(core: k, input: s.input, fired: s.fired, count: &count)
        : update(core: k, input: s.input, fired: s.fired, count: &count)
    return (events, changed)
  }

  /// Reports and routes the block's `firing` spikes, loading a batch of routes (independent
  /// loads) before using them.
  @inline(__always)
  func routeSpikes(_ firing: Int, scratch s: Scratch, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreIDs: [Int32],
    outgoing out: UnsafeMutablePointer<SpikeBuffer>, into result: inout Simulator.PartitionResult)
  {
    for first in Swift.stride(from: 0, to: firing, by: Self.routeBatch) {
      let last = min(first + Self.routeBatch, firing)
      for f in first..<last { s.routes[f - first] = route[Int(s.fired[f])] }
      for f in first..<last {
        let n = Int(s.fired[f])
        emit(core: n >> Self.coreShift, neuron: n & (Self.coreSize - 1), route: s.routes[f - first], tick: t,
          recordAll: recordAll, recordTraffic: recordTraffic, coreID: coreIDs[n >> Self.coreShift], outgoing: out, into: &result)
      }
    }
  }

  /// Reports and routes the spike of neuron `j` of core `k`, whose route is `r`.
  @inline(__always)
  func emit(core k: Int, neuron j: Int, route r: UInt32, tick t: Int64, recordAll: Bool, recordTraffic: Bool, coreID: Int32,
    outgoing out: UnsafeMutablePointer<SpikeBuffer>, into result: inout Simulator.PartitionResult)
  {
    if r < Self.routeTagged {
      let target = Int(r >> Self.routeTargetShift)
      let delay = UInt64(r >> Self.routeDelayShift) & SpikeBuffer.slotMask
      let when = (UInt64(truncatingIfNeeded: t) &+ delay) & SpikeBuffer.slotMask
      out[Int(partitionOf[target])].append(SpikeBuffer.pack(core: target, slot: when, axon: UInt64(r) & SpikeBuffer.axonMask))
      if recordTraffic { result.routes.append(UInt64(k) << 32 | UInt64(target)) }
      if recordAll { result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1)) }
    } else if r != Self.noRoute {
      result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: Int32(r - Self.routeTagged)))
    } else if recordAll {
      result.spikes.append(OutputSpike(tick: t, core: coreID, neuron: Int32(j), pin: -1))
    }
  }
}
