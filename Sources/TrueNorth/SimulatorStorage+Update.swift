/// The neuron update after integration: leak, threshold, fire and reset, scalar for cores whose
/// neurons draw random numbers, else eight neurons per SIMD step.
extension SimulatorStorage {
  /// Leak, threshold, fire and reset of every neuron of core `k`, after integration: the scalar
  /// version, for cores whose neurons draw random numbers. Neurons that fire are listed in
  /// `fired` from `count` on, ascending.
  /// - Returns: whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func update(core k: Int, input acc: UnsafeMutablePointer<Int32>, fired list: UnsafeMutablePointer<UInt32>,
    count: inout Int) -> Bool
  {
    let base = k * Self.coreSize
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

  /// Lane k = 2^k: turns a lane mask into bits (`lanes` lanes).
  static let laneBits = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)

  /// The update of `update(core:...)` for a core none of whose neurons draws random numbers
  /// (no stochastic leak, TM = 0, so eta = 0), eight neurons per SIMD step, on the core's
  /// potentials or on `potentials` (a narrow core's widened copy). Conditions are lane
  /// masks (all ones or zero) made with shifts of differences, which cannot overflow here: V lies
  /// in the potential range and the thresholds and R in theirs, all within 31 bits.
  /// - Returns: whether any neuron's potential changed or any neuron fired.
  @inline(__always)
  func updateDeterministic(core k: Int, potentials: UnsafeMutablePointer<Int32>? = nil, input acc: UnsafeMutablePointer<Int32>,
    fired list: UnsafeMutablePointer<UInt32>, count: inout Int) -> Bool
  {
    typealias V = SIMD8<Int32>
    let base = k * Self.coreSize
    let p0 = Int(parameterBase[k])
    let uniform = coreFlags[k] & Self.uniform != 0
    let lo = V(repeating: vMin), hi = V(repeating: vMax)
    let pot = UnsafeMutableRawPointer(potentials ?? potential + base)
    let inp = UnsafeRawPointer(acc)
    // A uniform core's parameters, broadcast once.
    let uLeak = V(repeating: Int32(leak[p0])), uFlags = V(repeating: Int32(flags[p0]))
    let uAlpha = V(repeating: threshold[p0]), uBeta = V(repeating: negativeThreshold[p0])
    let uReset = V(repeating: resetPotential[p0])
    var changed = V.zero
    for c in Swift.stride(from: 0, to: neurons, by: Self.lanes) {
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
      let reversal = V.zero &- (f &>> 1 & 1)  // leakReversalFlag
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
    return (0..<Self.lanes).contains { changed[$0] != 0 }
  }

  /// Reset after a threshold (eta = 0) of the lanes in `fire` (V >= alpha) and `below` (V < -beta).
  @inline(never)
  static func reset(_ v: SIMD8<Int32>, fire: SIMD8<Int32>, below: SIMD8<Int32>, flags f: SIMD8<Int32>, alpha: SIMD8<Int32>,
    beta: SIMD8<Int32>, resetPotential reset: SIMD8<Int32>) -> SIMD8<Int32>
  {
    let mode = f &>> Int32(resetShift) & 3
    let mode0 = isZero(mode), mode1 = isZero(mode ^ 1)
    let kappa = SIMD8.zero &- (f &>> 2 & 1)  // kappaFlag
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
}
