/// Synaptic integration of the cores that do not take the fused path: per-type byte counts of
/// active synapses, multiplied by the weights, and the stochastic synapses' draws.
extension SimulatorStorage {
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

  /// Where `bitIndices` starts in `tables`, after `byteLanes`.
  static let bitIndicesOffset = 256

  /// Active axons a byte count can take: the counts are added in before one more could overflow.
  static let maxPendingRows = 255

  /// Synaptic integration of core `k`, whose active axons' rows are gathered at `rows` in
  /// ascending axon order: counts, per axon type, the active axons connected to each neuron
  /// through deterministic synapses (one byte per neuron, eight neurons per 64-bit add of a table
  /// entry), adds count x weight to `input`, and adds the stochastic synapses' draws in the
  /// documented order.
  /// - Returns: the number of synaptic events.
  @inline(__always)
  func integrate(core k: Int, active words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    counts: UnsafeMutablePointer<UInt64>, input acc: UnsafeMutablePointer<Int32>) -> Int
  {
    let stochastic = coreFlags[k] & Self.hasStochasticSynapses != 0
    var events = 0
    var buckets: UInt8 = 0
    var pending = 0
    // Types share a count bucket when their weights are the same for every neuron (checked for
    // uniform cores: the first type with that weight), and types of weight 0 add nothing, so the
    // counts are multiplied by fewer weights.
    let plan = bucketPlan[k]
    let bucketOf = UInt8(truncatingIfNeeded: plan), skip = UInt8(truncatingIfNeeded: plan >> Self.skipShift & 15)
    Self.byteLanes.withUnsafeBufferPointer { table in
      let lanes = table.baseAddress!
      events = forEachActiveAxon(core: k, words, rows: rows) { _, g, row in
        if skip >> g & 1 == 0 {
          let b = Int(bucketOf >> (Self.bucketBits * g) & 3)
          let c = counts + b * (Self.coreSize / Self.countsPerWord)
          if buckets >> b & 1 == 0 {
            buckets |= 1 << b
            c.initialize(repeating: 0, count: Self.coreSize / Self.countsPerWord)
          }
          count(row: row, into: c, deterministic: stochastic ? deterministic + (k * Self.axonTypeCount + g) * Self.rowWords : nil,
            lanes: lanes)
        }
        pending += 1
        if pending == Self.maxPendingRows {
          addCounts(core: k, types: buckets, counts: counts, into: acc)
          buckets = 0
          pending = 0
        }
      }
    }
    addCounts(core: k, types: buckets, counts: counts, into: acc)
    if stochastic { addStochasticSynapses(core: k, active: words, input: acc) }
    return events
  }

  /// Adds one to the byte count of every neuron that `row` connects to (only through
  /// deterministic synapses when `deterministic` is given), eight neurons per 64-bit add.
  @inline(__always)
  func count(row: UnsafeMutablePointer<UInt64>, into c: UnsafeMutablePointer<UInt64>, deterministic det: UnsafeMutablePointer<UInt64>?,
    lanes: UnsafePointer<UInt64>)
  {
    for rw in 0..<Self.rowWords {
      var r = row[rw]
      if let det { r &= det[rw] }
      guard r != 0 else { continue }
      let q = c + rw * (Self.wordBits / Self.countsPerWord)
      for b in 0..<Self.wordBits / Self.countsPerWord {
        q[b] &+= lanes[Int(truncatingIfNeeded: r & 0xFF)]
        r &>>= 8
      }
    }
  }

  /// Adds the draws of core `k`'s stochastic synapses from its active axons: neuron-major, axons
  /// ascending, the documented order of stochastic-synapse draws.
  @inline(__always)
  func addStochasticSynapses(core k: Int, active words: SIMD4<UInt64>, input acc: UnsafeMutablePointer<Int32>) {
    let base = k * Self.coreSize
    let typeWords = axonTypes + k * Self.typeWords
    let p0 = Int(parameterBase[k]), ps = parameterStride(k)
    for j in 0..<neurons where stochasticSynapses[p0 + j * ps] != 0 {
      let mask = stochasticSynapses[p0 + j * ps]
      for w in 0..<Self.rowWords {
        var bits = words[w]
        while bits != 0 {
          let i = w * Self.wordBits | bits.trailingZeroBitCount
          bits &= bits &- 1
          let g = Self.axonType(i, in: typeWords)
          guard mask >> g & 1 == 1,
            crossbar[(base + i) * Self.rowWords + j / Self.wordBits] >> UInt64(j % Self.wordBits) & 1 == 1
          else { continue }
          let s = Int32(weight[weightIndex(firstSet: p0, uniform: ps == 0, type: g, neuron: j)])
          if NeuronRandom.happens(s, rho: NeuronRandom.rho(&rng[k])) { acc[j] &+= s.signum() }
        }
      }
    }
  }

  /// The type of axon `i` of the core whose types are at `typeWords`.
  @inline(__always)
  static func axonType(_ i: Int, in typeWords: UnsafeMutablePointer<UInt64>) -> Int {
    Int(truncatingIfNeeded: typeWords[i / typesPerWord] >> UInt64((i % typesPerWord) * 2) & 3)
  }

  /// Calls `body(axon, type, row)` for every active axon of core `k` (set bits of `words`) in
  /// ascending order, `row` pointing at its gathered row (the rows follow each other at `rows`).
  /// - Returns: the synaptic events, the synapses in those rows.
  @inline(__always)
  func forEachActiveAxon(core k: Int, _ words: SIMD4<UInt64>, rows: UnsafeMutablePointer<UInt64>,
    _ body: (_ axon: Int, _ type: Int, _ row: UnsafeMutablePointer<UInt64>) -> Void) -> Int
  {
    let typeWords = axonTypes + k * Self.typeWords
    var events = 0
    var row = rows
    for w in 0..<Self.rowWords {
      var bits = words[w]
      while bits != 0 {
        let i = w * Self.wordBits | bits.trailingZeroBitCount
        bits &= bits &- 1
        let g = Self.axonType(i, in: typeWords)
        events &+= row[0].nonzeroBitCount &+ row[1].nonzeroBitCount &+ row[2].nonzeroBitCount &+ row[3].nonzeroBitCount
        body(i, g, row)
        row += Self.rowWords
      }
    }
    return events
  }

  /// Where s^G of neuron j is: a core's weights are type-major from its first set's index x
  /// `axonTypeCount` (one per type for a uniform core, else one per neuron and type).
  @inline(__always)
  func weightIndex(firstSet p0: Int, uniform: Bool, type g: Int, neuron j: Int) -> Int {
    uniform ? p0 * Self.axonTypeCount + g : p0 * Self.axonTypeCount + g * neurons + j
  }

  /// input[j] += counts[G][j] * s^G_j for the types G in `types`, eight or sixteen neurons per
  /// SIMD step (sixteen with 16-bit products when a uniform core's weight is at most
  /// `smallWeightLimit`, as 255 x 128 fits).
  @inline(__always)
  func addCounts(core k: Int, types: UInt8, counts: UnsafeMutablePointer<UInt64>, into acc: UnsafeMutablePointer<Int32>) {
    let c = UnsafeRawPointer(counts)
    let a = UnsafeMutableRawPointer(acc)
    let p0 = Int(parameterBase[k])
    let uniform = coreFlags[k] & Self.uniform != 0
    for g in 0..<Self.axonTypeCount where types >> g & 1 != 0 {
      let w = weight + weightIndex(firstSet: p0, uniform: uniform, type: g, neuron: 0)
      let from = c + g * Self.coreSize
      var j = 0
      if uniform {
        guard w[0] != 0 else { continue }
        if w[0].magnitude <= Self.smallWeightLimit { j = addSmallUniform(counts: from, weight: w[0], into: a) }
      }
      let broadcast = SIMD8<Int32>(repeating: Int32(w[0]))
      while j + Self.lanes <= neurons {
        let n = SIMD8<Int32>(truncatingIfNeeded: from.loadUnaligned(fromByteOffset: j, as: SIMD8<UInt8>.self))
        let s = uniform ? broadcast : SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(w + j).loadUnaligned(as: SIMD8<Int16>.self))
        let sum = a.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self) &+ n &* s
        a.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD8<Int32>.self)
        j += Self.lanes
      }
      while j < neurons {
        acc[j] &+= Int32(from.load(fromByteOffset: j, as: UInt8.self)) &* Int32(w[uniform ? 0 : j])
        j += 1
      }
    }
  }

  /// input[j] += counts[j] * weight with 16-bit products, sixteen neurons per SIMD step.
  /// - Returns: the neurons done (a multiple of sixteen).
  @inline(__always)
  func addSmallUniform(counts from: UnsafeRawPointer, weight: Int16, into a: UnsafeMutableRawPointer) -> Int {
    let s = SIMD16<Int16>(repeating: weight)
    var j = 0
    while j + s.scalarCount <= neurons {
      let n = SIMD16<Int16>(truncatingIfNeeded: from.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self))
      let product = n &* s
      let low = a.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Int32>.self) &+ SIMD8(truncatingIfNeeded: product.lowHalf)
      let high = a.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Int32>.self) &+ SIMD8(truncatingIfNeeded: product.highHalf)
      a.storeBytes(of: low, toByteOffset: j * 4, as: SIMD8<Int32>.self)
      a.storeBytes(of: high, toByteOffset: j * 4 + 32, as: SIMD8<Int32>.self)
      j += s.scalarCount
    }
    return j
  }
}
