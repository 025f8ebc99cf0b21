/// Integration and update fused in one pass over a core, for cores whose neurons share one
/// parameter set without draws and whose weights are small: the inputs are summed in 16 bits.
extension SimulatorStorage {
  /// Active axons the fused path takes at most (fewer than 255, so that an input is at most
  /// 254 x `smallWeightLimit` in magnitude and fits 16 bits).
  static let fusedMaxAxons = 255
  /// Lanes of the 16-bit input sums (`SIMD16<Int16>`), and neurons summed per pass over the rows
  /// (eight such sums in registers).
  static let wideLanes = 16
  static let fusedChunk = 8 * wideLanes
  /// Neurons whose firing lanes are gathered into one 32-bit word.
  static let fireGroup = 32

  /// Integration and update fused, for a core whose neurons share one parameter set without
  /// draws (no stochastic synapses, leak or threshold mask), whose weights are at most 128 in
  /// magnitude (`smallWeights`) and which has fewer than `fusedMaxAxons` active axons: the input
  /// of a neuron, the sum of the weights of its active synapses, has magnitude at most 254 x 128,
  /// so it is summed in 16 bits, sixteen neurons per SIMD step, straight into the update. Neurons
  /// that fire are listed in `fired` from `count` on, ascending; `lanes` entries past the new
  /// count may be overwritten.
  /// - Returns: the number of synaptic events, and whether any neuron's potential changed or any
  ///   neuron fired.
  @inline(__always)
  func integrateAndUpdate(core k: Int, active words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    rowWeight: UnsafeMutablePointer<Int16>, input: UnsafeMutableRawPointer, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> (events: Int, changed: Bool)
  {
    let w = weight + Int(parameterBase[k]) * Self.axonTypeCount
    var m = 0
    let events = forEachActiveAxon(core: k, words, rows: rows) { _, g, _ in
      rowWeight[m] = w[g]
      m += 1
    }
    sumInputs(rows: rows, rowWeight: rowWeight, count: m, into: input)
    let reversal = flags[Int(parameterBase[k])] & Self.leakReversalFlag != 0
    let changed =
      coreFlags[k] & Self.narrow != 0
      ? (reversal
        ? narrowUpdate(core: k, input: input, reversal: true, fired: list, count: &count)
        : narrowUpdate(core: k, input: input, reversal: false, fired: list, count: &count))
      : (reversal
        ? fusedUpdate(core: k, input: input, reversal: true, fired: list, count: &count)
        : fusedUpdate(core: k, input: input, reversal: false, fired: list, count: &count))
    return (events, changed)
  }

  /// The input of every neuron, stored at `input` (`coreSize` Int16): the sum over the `n`
  /// gathered rows of the row's weight in the lanes whose bit is set. `fusedChunk` neurons at a
  /// time: eight sums in registers over the rows (one loop exit per pass), then stored. Bits
  /// 16 ch ..< 16 ch + 16 of a little-endian row are its 16-bit word ch.
  @inline(__always)
  func sumInputs(rows: UnsafeMutablePointer<UInt64>, rowWeight: UnsafeMutablePointer<Int16>, count n: Int,
    into input: UnsafeMutableRawPointer)
  {
    typealias H = SIMD16<Int16>
    let chunks = UnsafeRawPointer(rows)
    let rowBytes = Self.rowWords * 8
    let lane = SIMD16<UInt16>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
    for c0 in Swift.stride(from: 0, to: neurons, by: Self.fusedChunk) {
      var a = (H.zero, H.zero, H.zero, H.zero, H.zero, H.zero, H.zero, H.zero)
      for m in 0..<n {
        let w = H(repeating: rowWeight[m])
        let r = chunks + m * rowBytes + c0 / 8
        @inline(__always) func term(_ i: Int) -> H {
          let bits = SIMD16<UInt16>(repeating: r.load(fromByteOffset: 2 * i, as: UInt16.self))
          return H.zero.replacing(with: w, where: bits & lane .== lane)
        }
        a.0 &+= term(0); a.1 &+= term(1); a.2 &+= term(2); a.3 &+= term(3)
        a.4 &+= term(4); a.5 &+= term(5); a.6 &+= term(6); a.7 &+= term(7)
      }
      let to = input + c0 * 2
      let step = MemoryLayout<H>.stride
      to.storeBytes(of: a.0, toByteOffset: 0, as: H.self); to.storeBytes(of: a.1, toByteOffset: step, as: H.self)
      to.storeBytes(of: a.2, toByteOffset: 2 * step, as: H.self); to.storeBytes(of: a.3, toByteOffset: 3 * step, as: H.self)
      to.storeBytes(of: a.4, toByteOffset: 4 * step, as: H.self); to.storeBytes(of: a.5, toByteOffset: 5 * step, as: H.self)
      to.storeBytes(of: a.6, toByteOffset: 6 * step, as: H.self); to.storeBytes(of: a.7, toByteOffset: 7 * step, as: H.self)
    }
  }

  /// A uniform core's update constants, broadcast to the lanes. The reset mode and kappa are
  /// folded in, so that the update has no data-dependent branch: a lane that fires becomes
  /// (V & kF) + aF, a lane below -beta (V & kB) + aB.
  struct FusedConstants {
    typealias V = SIMD8<Int32>
    let lo: V, hi: V, lambda: V, alpha: V, beta: V
    let kF: V, aF: V, kB: V, aB: V

    @inline(__always)
    init(_ s: SimulatorStorage, set p: Int) {
      lo = V(repeating: s.vMin)
      hi = V(repeating: s.vMax)
      lambda = V(repeating: Int32(s.leak[p]))
      alpha = V(repeating: s.threshold[p])
      beta = V(repeating: s.negativeThreshold[p])
      let f = s.flags[p]
      let mode = f >> SimulatorStorage.resetShift & 3
      let r = s.resetPotential[p]
      // Fire (V >= alpha): mode 0 -> R, mode 1 -> V - alpha, mode 2 -> V.
      kF = V(repeating: mode == 0 ? 0 : -1)
      aF = V(repeating: mode == 0 ? r : mode == 1 ? 0 &- s.threshold[p] : 0)
      // Below (V < -beta): kappa -> -beta, else mode 0 -> -R, mode 1 -> V + beta, mode 2 -> V.
      if f & SimulatorStorage.kappaFlag != 0 {
        (kB, aB) = (.zero, V(repeating: 0 &- s.negativeThreshold[p]))
      } else {
        kB = V(repeating: mode == 0 ? 0 : -1)
        aB = V(repeating: mode == 0 ? 0 &- r : mode == 1 ? s.negativeThreshold[p] : 0)
      }
    }
  }

  /// The update of `integrateAndUpdate` from the inputs at `input`, specialised on leak reversal.
  /// The firing lanes of `fireGroup` neurons are gathered into one word whose bytes index
  /// `bitIndices`.
  @inline(__always)
  func fusedUpdate(core k: Int, input: UnsafeMutableRawPointer, reversal: Bool, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> Bool
  {
    typealias V = SIMD8<Int32>
    let base = k * Self.coreSize
    let c = FusedConstants(self, set: Int(parameterBase[k]))
    let pot = UnsafeMutableRawPointer(potential + base)
    let bit = V(1, 2, 4, 8, 16, 32, 64, 128)
    let indices = UnsafeRawPointer(tables + Self.bitIndicesOffset)
    var changed = V.zero
    for c32 in Swift.stride(from: 0, to: neurons, by: Self.fireGroup) {
      var fireBits = V.zero
      for g in 0..<Self.fireGroup / Self.lanes {
        let j = c32 + g * Self.lanes
        let old = pot.loadUnaligned(fromByteOffset: j * 4, as: V.self)
        let x = V(truncatingIfNeeded: UnsafeRawPointer(input).load(fromByteOffset: j * 2, as: SIMD8<Int16>.self))
        var v = (old &+ x).clamped(lowerBound: c.lo, upperBound: c.hi)
        if reversal {
          let negative = v &>> 31
          v = (v &+ (((c.lambda ^ negative) &- negative) & ~Self.isZero(v))).clamped(lowerBound: c.lo, upperBound: c.hi)
        } else {
          v = (v &+ c.lambda).clamped(lowerBound: c.lo, upperBound: c.hi)
        }
        // Lane masks from shifted differences, which cannot overflow (see updateDeterministic).
        let fire = ~((v &- c.alpha) &>> 31)
        let below = (v &+ c.beta) &>> 31
        v = Self.select(fire, (v & c.kF) &+ c.aF, Self.select(below, (v & c.kB) &+ c.aB, v))
        pot.storeBytes(of: v, toByteOffset: j * 4, as: V.self)
        changed |= (v ^ old) | fire
        fireBits |= fire & (bit &<< V(repeating: Int32(Self.lanes * g)))
      }
      // The lanes' bits are disjoint, so their sum is their union.
      let word = UInt32(truncatingIfNeeded: fireBits.wrappedSum())
      listFiring(word, first: base + c32, indices: indices, into: list, count: &count)
    }
    return changed != .zero
  }

  /// Lists the neurons of a group of `fireGroup` from neuron index `first` whose bits are set in
  /// `word`, ascending, at `list + count` (eight at a time through `bitIndices`: the entries past
  /// the new count may be overwritten).
  @inline(__always)
  func listFiring(_ word: UInt32, first: Int, indices: UnsafeRawPointer, into list: UnsafeMutablePointer<UInt32>, count: inout Int) {
    for y in 0..<Self.fireGroup / Self.lanes {
      let m = Int(word >> UInt32(Self.lanes * y) & 0xFF)
      let at = SIMD8<UInt32>(truncatingIfNeeded: indices.load(fromByteOffset: m * 8, as: SIMD8<UInt8>.self))
        &+ UInt32(truncatingIfNeeded: first + Self.lanes * y)
      UnsafeMutableRawPointer(list + count).storeBytes(of: at, as: SIMD8<UInt32>.self)
      count += m.nonzeroBitCount
    }
  }
}
