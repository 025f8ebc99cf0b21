/// Narrow cores: cores whose potentials provably stay within 16 bits keep them as Int16 and are
/// updated sixteen neurons per 256-bit SIMD step, which halves both the potential traffic and the
/// instructions of the update, the largest part of a tick of a large generated model.
///
/// A core is narrow when it takes the fused path's conditions (one parameter set, no draws, no
/// stochastic synapses), resets to R (reset mode 0), its weights are at most `narrowWeightLimit`
/// in magnitude, its threshold, negative threshold, reset potential and every initial potential
/// at most `narrowPotentialLimit`, and the chip's potential range covers 16 bits. After an
/// update a potential is R, -R, -beta or in [-beta, alpha), so at most the limit in magnitude;
/// during one, the potential plus an input of fewer than 255 active axons plus the leak stays
/// within 4,096 + 254 x 64 + 256 = 20,608 in magnitude, so 16-bit sums never wrap (nor V - alpha
/// and V + beta, within 24,704) and the chip's clamp at its potential bounds never acts: the
/// update is exactly the 32-bit one. A narrow core with 255 or
/// more active axons takes the 32-bit update on a widened copy of its potentials.
extension SimulatorStorage {
  /// `coreFlags` bit: the core's potentials are Int16, the first `coreSize` x 2 bytes of its slot.
  static let narrow: UInt8 = 16
  /// Largest magnitude of a narrow core's thresholds, reset potential and initial potentials.
  static let narrowPotentialLimit: Int32 = 4096
  /// Largest magnitude of a narrow core's weights.
  static let narrowWeightLimit: Int32 = 64

  /// Whether a core of uniform parameter set `p` without draws, with these initial potentials,
  /// can be narrow (the neuron count must be a multiple of `fireGroup`).
  func canBeNarrow(set p: Int, potentials: some Sequence<Int32>) -> Bool {
    let limit = Self.narrowPotentialLimit
    return neurons % Self.fireGroup == 0 && vMin <= Int32(Int16.min) && vMax >= Int32(Int16.max)
      && flags[p] >> Self.resetShift & 3 == 0
      && (0..<Self.axonTypeCount).allSatisfy { Int32(weight[p * Self.axonTypeCount + $0]).magnitude <= Self.narrowWeightLimit }
      && (1...limit).contains(threshold[p]) && (0...limit).contains(negativeThreshold[p])
      && resetPotential[p].magnitude <= limit && potentials.allSatisfy { $0.magnitude <= limit }
  }

  /// Core `k`'s potentials as Int16, for a narrow core.
  @inline(__always)
  func narrowPotentials(core k: Int) -> UnsafeMutablePointer<Int16> {
    UnsafeMutableRawPointer(potential + k * Self.coreSize).assumingMemoryBound(to: Int16.self)
  }

  /// The potential of neuron `j` of core `k`, whatever the core's width.
  @inline(__always)
  func potential(core k: Int, neuron j: Int) -> Int32 {
    coreFlags[k] & Self.narrow != 0 ? Int32(narrowPotentials(core: k)[j]) : potential[k * Self.coreSize + j]
  }

  /// Stores core `k`'s initial potentials: as Int16 when the core is narrow (the slot's other
  /// half zeroed), else as Int32.
  func storePotentials(core k: Int, _ values: [Int32]) {
    let slot = potential + k * Self.coreSize
    slot.update(repeating: 0, count: Self.coreSize)
    if coreFlags[k] & Self.narrow != 0 {
      let p = narrowPotentials(core: k)
      for (j, v) in values.enumerated() { p[j] = Int16(v) }
    } else {
      for (j, v) in values.enumerated() { slot[j] = v }
    }
  }

  /// The update of a narrow core (`integrateAndUpdate`) from the 16-bit inputs at `input`, sixteen
  /// neurons per step, specialised on leak reversal. Conditions are lane masks made with shifts
  /// of differences, as in `fusedUpdate`: within the bounds above, V - alpha and V + beta fit 16
  /// bits. Firing neurons are listed as `fusedUpdate` lists them.
  @inline(__always)
  func narrowUpdate(core k: Int, input: UnsafeMutableRawPointer, reversal: Bool, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> Bool
  {
    typealias H = SIMD16<Int16>
    let p = Int(parameterBase[k])
    let base = k * Self.coreSize
    let lambda = H(repeating: Int16(leak[p]))
    let alpha = H(repeating: Int16(threshold[p]))
    let beta = H(repeating: Int16(negativeThreshold[p]))
    let onFire = H(repeating: Int16(resetPotential[p]))
    let onBelow = H(repeating: Int16(flags[p] & Self.kappaFlag != 0 ? -negativeThreshold[p] : -resetPotential[p]))
    let bit = H(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, Int16.min)
    let pot = UnsafeMutableRawPointer(narrowPotentials(core: k))
    let indices = UnsafeRawPointer(tables + Self.bitIndicesOffset)
    var changed = H.zero
    for c32 in Swift.stride(from: 0, to: neurons, by: Self.fireGroup) {
      var word: UInt32 = 0
      for g in 0..<Self.fireGroup / Self.wideLanes {
        let j = c32 + g * Self.wideLanes
        let old = pot.loadUnaligned(fromByteOffset: j * 2, as: H.self)
        var v = old &+ UnsafeRawPointer(input).loadUnaligned(fromByteOffset: j * 2, as: H.self)
        if reversal {
          // sign(V) x lambda: no leak at V = 0.
          let negative = v &>> 15
          v &+= ((lambda ^ negative) &- negative) & ((v | (H.zero &- v)) &>> 15)
        } else {
          v &+= lambda
        }
        let fire = ~((v &- alpha) &>> 15)
        let below = (v &+ beta) &>> 15
        v = Self.select(fire, onFire, Self.select(below, onBelow, v))
        pot.storeBytes(of: v, toByteOffset: j * 2, as: H.self)
        changed |= (v ^ old) | fire
        word |= UInt32(Self.orAcross(fire & bit)) << UInt32(Self.wideLanes * g)
      }
      listFiring(word, first: base + c32, indices: indices, into: list, count: &count)
    }
    return changed != .zero
  }

  /// `a` in the lanes where `mask` is all ones, `b` where it is 0.
  @inline(__always)
  static func select(_ mask: SIMD16<Int16>, _ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD16<Int16> { b ^ ((a ^ b) & mask) }

  /// The bits of all lanes ORed together (lanes of disjoint bits: their union).
  @inline(__always)
  static func orAcross(_ x: SIMD16<Int16>) -> UInt16 {
    let a = x.lowHalf | x.highHalf
    let b = a.lowHalf | a.highHalf
    let c = b.lowHalf | b.highHalf
    return UInt16(bitPattern: c[0] | c[1])
  }

  /// The 32-bit update of a narrow core (255 or more active axons): its potentials widened into
  /// `wide`, updated there, and stored back as Int16 (the update keeps them within the limit).
  @inline(__always)
  func narrowUpdateWidened(core k: Int, input: UnsafeMutablePointer<Int32>, wide: UnsafeMutablePointer<Int32>,
    fired list: UnsafeMutablePointer<UInt32>, count: inout Int) -> Bool
  {
    let p = narrowPotentials(core: k)
    for j in 0..<neurons { wide[j] = Int32(p[j]) }
    let changed = updateDeterministic(core: k, potentials: wide, input: input, fired: list, count: &count)
    for j in 0..<neurons { p[j] = Int16(truncatingIfNeeded: wide[j]) }
    return changed
  }
}
