/// The dense batch kernels of the shadow network: forward pass, loss and exact gradients of a
/// mini-batch, core by core, as blocked SIMD matrix products over flat storage.
///
/// All unsafe pointers of the trainer live in this type (here and in BatchEngine+Loss.swift);
/// its callers see only arrays. Work is split into fixed units (chunks of
/// `sampleChunk` samples, or one core's block of axons) that each write their own memory, and every
/// sum runs in a fixed order, so results are bit-identical for every thread count.
final class _BatchEngine: @unchecked Sendable {
  struct Core {
    var layer: Int
    var axons: Int
    var neurons: Int
    /// Neurons rounded up to a multiple of 8 (the SIMD width); padding columns are zero.
    var padded: Int
    /// Offset of this core's outputs in its layer's output vector.
    var outputOffset: Int
    var inputs: UnsafeMutablePointer<Int32>
    // Per batch sample (capacity rows).
    var x: UnsafeMutablePointer<Float>  // capacity x axons: gathered inputs
    var dMu: UnsafeMutablePointer<Float>  // capacity x padded: dP/dmu, then dL/dmu
    var dSigma: UnsafeMutablePointer<Float>  // capacity x padded: dP/dsigma2, then dL/dsigma2
    var nzIndex: UnsafeMutablePointer<Int32>  // capacity x axons: the non-zero inputs of each sample
    var nzValue: UnsafeMutablePointer<Float>
    var nzCount: UnsafeMutablePointer<Int32>
    // Per step, derived from the parameters (axons x padded).
    var w: UnsafeMutablePointer<Float>  // c s
    var v1: UnsafeMutablePointer<Float>  // c s^2
    var v2: UnsafeMutablePointer<Float>  // c^2 s^2
    var s: UnsafeMutablePointer<Float>  // s
    var leak: UnsafeMutablePointer<Float>  // padded
    var c: UnsafeMutablePointer<Float>  // axons x neurons, the connection probabilities
    // Gradients (unpadded, parameter layout).
    var gc: UnsafeMutablePointer<Float>
    var gb: UnsafeMutablePointer<Float>
  }

  static let sampleChunk = 8
  static let axonBlock = 16

  let topology: Topology
  let capacity: Int
  let threads: Int
  var cores: [Core] = []
  /// Layer outputs (index 0 is the input vector, index l + 1 the outputs of layer l), capacity rows.
  var outputs: [UnsafeMutablePointer<Float>] = []
  /// dLoss/d(outputs), same layout.
  var dOutputs: [UnsafeMutablePointer<Float>] = []
  var widths: [Int] = []
  var lossScratch: UnsafeMutablePointer<Double>
  var perClass: UnsafeMutablePointer<Int>
  var sampleLoss: UnsafeMutablePointer<Double>
  var samplePrediction: UnsafeMutablePointer<Int32>
  var labels: UnsafeMutablePointer<Int32>
  /// A teacher's per-class targets of each sample (`classes` per sample), set by `setTargets`.
  var softTargets: UnsafeMutablePointer<Float>
  /// Whether the forward pass keeps each neuron's dP/dmu and dP/dsigma2 for a backward pass; an
  /// engine that only evaluates turns it off and computes the probabilities alone (the same ones).
  var derivatives = true
  private var allocations: [UnsafeMutableRawPointer] = []

  /// An engine for batches of up to `capacity` samples; `threads` 1 runs everything on the calling
  /// thread, any other value uses all processors (the results are the same).
  init(topology: Topology, capacity: Int, threads: Int) {
    self.topology = topology
    self.capacity = max(capacity, 1)
    self.threads = threads
    let cap = self.capacity
    let classes = topology.classes
    var pool: [UnsafeMutableRawPointer] = []
    func make<T>(_: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
      let bytes = max(count, 1) * MemoryLayout<T>.stride
      let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
      p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
      pool.append(p)
      return p.assumingMemoryBound(to: T.self)
    }
    lossScratch = make(Double.self, 3 * classes * cap)
    perClass = make(Int.self, classes)
    for (k, n) in topology.neuronsPerClass.enumerated() { perClass[k] = n }
    sampleLoss = make(Double.self, cap)
    samplePrediction = make(Int32.self, cap)
    labels = make(Int32.self, cap)
    softTargets = make(Float.self, cap * classes)
    widths = [topology.inputSize] + (0..<topology.layers.count).map { topology.outputs(ofLayer: $0) }
    for wdt in widths {
      outputs.append(make(Float.self, cap * wdt))
      dOutputs.append(make(Float.self, cap * wdt))
    }
    for (l, layer) in topology.layers.enumerated() {
      var offset = 0
      for shape in layer {
        let a = shape.axons
        let n = shape.neurons
        let np = (n + 7) / 8 * 8
        let inputs = make(Int32.self, a)
        for (i, v) in shape.inputs.enumerated() { inputs[i] = Int32(v) }
        cores.append(
          Core(
            layer: l, axons: a, neurons: n, padded: np, outputOffset: offset, inputs: inputs,
            x: make(Float.self, cap * a), dMu: make(Float.self, cap * np), dSigma: make(Float.self, cap * np),
            nzIndex: make(Int32.self, cap * a), nzValue: make(Float.self, cap * a), nzCount: make(Int32.self, cap),
            w: make(Float.self, a * np), v1: make(Float.self, a * np), v2: make(Float.self, a * np), s: make(Float.self, a * np),
            leak: make(Float.self, np), c: make(Float.self, a * n), gc: make(Float.self, a * n), gb: make(Float.self, n)))
        offset += n
      }
    }
    allocations = pool
  }

  deinit {
    for p in allocations { p.deallocate() }
  }

  private func parallel(_ n: Int, _ body: (Int) -> Void) {
    _Parallel.forEach(n, threads: threads, body)
  }

  @inline(__always) private func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always) private func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }

  // MARK: - Parameters

  /// Derives the per-step matrices (c s, c s^2, c^2 s^2) from the network's parameters.
  func load(_ network: ShadowNetwork) {
    precondition(network.cores.count == cores.count)
    for (k, p) in network.cores.enumerated() {
      let core = cores[k]
      p.connections.withUnsafeBufferPointer { src in core.c.update(from: src.baseAddress!, count: src.count) }
      for n in 0..<core.padded { core.leak[n] = n < core.neurons ? p.leaks[n] : 0 }
      for a in 0..<core.axons {
        let t = Int(p.axonTypes[a])
        for n in 0..<core.neurons {
          let s = Float(p.weights[n * 4 + t])
          let c = core.c[a * core.neurons + n]
          let i = a * core.padded + n
          core.s[i] = s
          core.w[i] = c * s
          core.v1[i] = c * s * s
          core.v2[i] = c * c * s * s
        }
      }
    }
  }

  // MARK: - Forward

  /// Copies the input vectors of a batch into the engine: sample `i` is row `rows[i]` of
  /// `pixels` (rows of `inputSize` floats).
  func setInputs<C: Collection>(_ pixels: [Float], rows: C) where C.Element == Int {
    let width = widths[0]
    precondition(rows.count <= capacity, "batch larger than the engine")
    pixels.withUnsafeBufferPointer { px in
      for (i, r) in rows.enumerated() {
        precondition(r >= 0 && (r + 1) * width <= px.count, "row \(r) is outside the pixels")
        outputs[0].advanced(by: i * width).update(from: px.baseAddress! + r * width, count: width)
      }
    }
  }

  /// Sets the labels of the batch's samples, in sample order.
  func setLabels<C: Collection>(_ classes: C) where C.Element: BinaryInteger {
    precondition(classes.count <= capacity, "batch larger than the engine")
    for (i, c) in classes.enumerated() { labels[i] = Int32(c) }
  }

  /// The outputs of layer `l` (0: the inputs) for the first `count` samples, sample after sample.
  func outputs(ofLayer l: Int, count: Int) -> [Float] {
    precondition(count <= capacity)
    return Array(UnsafeBufferPointer(start: outputs[l], count: count * widths[l]))
  }

  /// The gradient of core `k`'s parameters computed by the last `backward`.
  func gradient(ofCore k: Int) -> CoreGradient {
    let core = cores[k]
    return CoreGradient(
      connections: Array(UnsafeBufferPointer(start: core.gc, count: core.axons * core.neurons)),
      leaks: Array(UnsafeBufferPointer(start: core.gb, count: core.neurons)))
  }

  /// The forward pass of `count` samples (already given by `setInputs`), layer by layer.
  /// - Parameter hiddenSpikes: a seed, the number of draws and each draw's key: the first layer
  ///   runs on the `count` samples, its outputs are copied to `draws` rows per sample (sample i's
  ///   at rows i * draws ..< (i + 1) * draws), and every hidden layer's outputs are replaced by 0/1
  ///   draws, row j's from its own generator (seed, keys[j], layer), so the draws do not depend on
  ///   the thread count or on which samples share the batch. The layers after the first run on
  ///   `count * draws` rows.
  func forward<C: Collection>(count: Int, hiddenSpikes: (seed: UInt64, draws: Int, keys: C)? = nil) where C.Element == Int {
    let draws = hiddenSpikes?.draws ?? 1
    let keys = hiddenSpikes.map { Array($0.keys.prefix(count * draws)) }
    var first = 0
    for (l, layer) in topology.layers.enumerated() {
      let rows = l == 0 ? count : count * draws
      let chunks = (rows + Self.sampleChunk - 1) / Self.sampleChunk
      let coresInLayer = layer.count
      let base = first
      parallel(chunks * coresInLayer) { unit in
        let core = self.cores[base + unit % coresInLayer]
        let i0 = (unit / coresInLayer) * Self.sampleChunk
        for i in i0..<min(i0 + Self.sampleChunk, rows) { self.forwardSample(core, i, l) }
      }
      first += coresInLayer
      guard let seed = hiddenSpikes?.seed, let keys, l + 1 < topology.layers.count else { continue }
      let width = widths[l + 1]
      if l == 0 && draws > 1 { Self.expandDraws(outputs[1], width: width, images: count, draws: draws, scale: 1) }
      let drawChunks = (count * draws + Self.sampleChunk - 1) / Self.sampleChunk
      parallel(drawChunks) { chunk in
        let i0 = chunk * Self.sampleChunk
        for i in i0..<min(i0 + Self.sampleChunk, count * draws) {
          var g = TeaRandom(seed: seed, stream: UInt64(keys[i]) << 8 | UInt64(l))
          let out = self.outputs[l + 1] + i * width
          for n in 0..<width { out[n] = g.unitFloat() < out[n] ? 1 : 0 }
        }
      }
    }
  }

  /// Replaces the class-neuron outputs of sample i (i < images) by the mean of samples
  /// i * draws ..< (i + 1) * draws, the draws of one image (`GradientEngine.lossAndGradient`).
  func averageDraws(images: Int, draws: Int) {
    Self.collapseDraws(outputs[widths.count - 1], width: widths[widths.count - 1], images: images, draws: draws, scale: 1 / Float(draws))
  }

  /// The inverse of `averageDraws` for the gradient: each draw of image i gets 1 / draws of the
  /// loss gradient `loss` wrote for sample i.
  func spreadDraws(images: Int, draws: Int) {
    Self.expandDraws(dOutputs[widths.count - 1], width: widths[widths.count - 1], images: images, draws: draws, scale: 1 / Float(draws))
  }

  /// Row i (i < images) of `p` (rows of `width`) becomes `scale` x the sum of rows
  /// i * draws ..< (i + 1) * draws. Ascending: image i's rows are at or after row i, and the rows
  /// below i are already written.
  static func collapseDraws(_ p: UnsafeMutablePointer<Float>, width: Int, images: Int, draws: Int, scale: Float) {
    for i in 0..<images {
      for n in 0..<width {
        var sum: Float = 0
        for r in 0..<draws { sum += p[(i * draws + r) * width + n] }
        p[i * width + n] = sum * scale
      }
    }
  }

  /// Rows i * draws ..< (i + 1) * draws of `p` become `scale` x row i, for i < images. Descending:
  /// image i's rows are at or after row i, and the rows below i are still to be read.
  static func expandDraws(_ p: UnsafeMutablePointer<Float>, width: Int, images: Int, draws: Int, scale: Float) {
    for i in stride(from: images - 1, through: 0, by: -1) {
      for n in 0..<width {
        let v = p[i * width + n] * scale
        for r in 0..<draws { p[(i * draws + r) * width + n] = v }
      }
    }
  }

  /// The forward pass without sampled hidden spikes.
  func forward(count: Int) { forward(count: count, hiddenSpikes: nil as (seed: UInt64, draws: Int, keys: [Int])?) }

  private func forwardSample(_ core: Core, _ i: Int, _ l: Int) {
    let a = core.axons
    let np = core.padded
    let inWidth = widths[l]
    let source = outputs[l] + i * inWidth
    let x = core.x + i * a
    let nzI = core.nzIndex + i * a
    let nzV = core.nzValue + i * a
    var m = 0
    for k in 0..<a {
      let v = source[Int(core.inputs[k])]
      x[k] = v
      if v != 0 {
        nzI[m] = Int32(k)
        nzV[m] = v
        m += 1
      }
    }
    core.nzCount[i] = Int32(m)
    let out = outputs[l + 1] + i * widths[l + 1] + core.outputOffset
    let dMu = core.dMu + i * np
    let dSigma = core.dSigma + i * np
    var nb = 0
    while nb < np {
      var mu = SIMD8<Float>.zero
      var s1 = SIMD8<Float>.zero
      var s2 = SIMD8<Float>.zero
      for t in 0..<m {
        let off = Int(nzI[t]) * np + nb
        let xv = SIMD8<Float>(repeating: nzV[t])
        mu += xv * load(core.w + off)
        s1 += xv * load(core.v1 + off)
        s2 += (xv * xv) * load(core.v2 + off)
      }
      mu += load(core.leak + nb)
      let sigma2 = s1 - s2
      guard derivatives else {
        for lane in 0..<min(8, core.neurons - nb) { out[nb + lane] = GaussianNeuron.probability(mu: mu[lane], sigma2: sigma2[lane]) }
        nb += 8
        continue
      }
      for lane in 0..<8 {
        let n = nb + lane
        let r = GaussianNeuron.evaluate(mu: mu[lane], sigma2: sigma2[lane])
        if n < core.neurons {
          out[n] = r.p
          dMu[n] = r.dMu
          dSigma[n] = r.dSigma2
        } else {
          dMu[n] = 0
          dSigma[n] = 0
        }
      }
      nb += 8
    }
  }

  // MARK: - Loss

  /// The loss of `count` samples whose labels are in `labels`; fills the last layer's dOutputs
  /// with dLoss/dP scaled by `gradScale` when `gradients` is true. Returns the loss summed in
  /// sample order and the number of correct predictions.
  /// With `distill` (weight, temperature), the loss distils the targets `setTargets` wrote.
  func loss(count: Int, function: LossFunction, softmaxScale: Double, gradients: Bool, gradScale: Float, distill: (weight: Double, temperature: Double)? = nil)
    -> (loss: Double, correct: Int)
  {
    let last = widths.count - 1
    let width = widths[last]
    let classes = topology.classes
    let chunks = (count + Self.sampleChunk - 1) / Self.sampleChunk
    parallel(chunks) { chunk in
      let i0 = chunk * Self.sampleChunk
      for i in i0..<min(i0 + Self.sampleChunk, count) {
        let r = Self.sampleLoss(
          function, softmaxScale: softmaxScale, p: self.outputs[last] + i * width, count: width, classes: classes,
          perClass: self.perClass, label: Int(self.labels[i]), grad: gradients ? self.dOutputs[last] + i * width : nil,
          gradScale: gradScale, work: self.lossScratch + 3 * classes * i,
          soft: distill.map { SoftTargets(targets: self.softTargets + classes * i, weight: $0.weight, temperature: $0.temperature) })
        self.sampleLoss[i] = r.loss
        self.samplePrediction[i] = Int32(r.predicted)
      }
    }
    var total = 0.0
    var correct = 0
    for i in 0..<count {
      total += sampleLoss[i]
      if samplePrediction[i] == labels[i] { correct += 1 }
    }
    return (total, correct)
  }

  /// Sets each of the first `count` samples' distillation targets from `teacher`'s class-neuron
  /// probabilities after its forward pass on the same samples (`classTargets`).
  func setTargets(from teacher: _BatchEngine, count: Int, function: LossFunction, softmaxScale: Double, temperature: Double) {
    precondition(teacher.topology.classes == topology.classes && count <= capacity && count <= teacher.capacity)
    let last = teacher.widths.count - 1
    let width = teacher.widths[last]
    let classes = topology.classes
    for i in 0..<count {
      Self.classTargets(
        function, softmaxScale: softmaxScale, temperature: temperature, p: teacher.outputs[last] + i * width, count: width, classes: classes,
        perClass: teacher.perClass, work: teacher.lossScratch, out: softTargets + classes * i)
    }
  }

  // MARK: - Backward

  /// Backpropagates dOutputs of the last layer (set by `loss`) to every core's gradients. With
  /// `draws` > 1 (a forward pass with sampled hidden spikes) the layers after the first have
  /// `count * draws` rows; the gradients of a sample's draws into the first layer's outputs are
  /// summed into its row (its outputs were one value copied to every draw), so the first layer
  /// runs on the `count` samples.
  func backward(count: Int, draws: Int = 1) {
    var starts = [0]
    for layer in topology.layers { starts.append(starts.last! + layer.count) }
    for l in stride(from: topology.layers.count - 1, through: 0, by: -1) {
      let rows = l == 0 ? count : count * draws
      let chunks = (rows + Self.sampleChunk - 1) / Self.sampleChunk
      if l == 0 && draws > 1 && topology.layers.count > 1 {
        Self.collapseDraws(dOutputs[1], width: widths[1], images: count, draws: draws, scale: 1)
      }
      let range = starts[l]..<starts[l + 1]
      // Per sample: dL/dmu, dL/dsigma2, and dL/dx into the previous layer's dOutputs.
      parallel(chunks) { chunk in
        let i0 = chunk * Self.sampleChunk
        for i in i0..<min(i0 + Self.sampleChunk, rows) {
          if l > 0 {
            let prev = self.dOutputs[l] + i * self.widths[l]
            prev.update(repeating: 0, count: self.widths[l])
          }
          for k in range { self.backwardSample(self.cores[k], i, l) }
        }
      }
      // Per core and block of axons: the parameter gradients, summed over the batch in order.
      var units: [(core: Int, a0: Int)] = []
      for k in range {
        for a0 in stride(from: 0, to: cores[k].axons, by: Self.axonBlock) { units.append((k, a0)) }
      }
      units.withUnsafeBufferPointer { u in
        parallel(u.count) { j in
          let core = self.cores[u[j].core]
          self.parameterGradients(core, a0: u[j].a0, count: rows)
        }
      }
    }
  }

  private func backwardSample(_ core: Core, _ i: Int, _ l: Int) {
    let np = core.padded
    let dOut = dOutputs[l + 1] + i * widths[l + 1] + core.outputOffset
    let gMu = core.dMu + i * np
    let gSigma = core.dSigma + i * np
    for n in 0..<core.neurons {
      gMu[n] *= dOut[n]
      gSigma[n] *= dOut[n]
    }
    guard l > 0 else { return }
    let a = core.axons
    let x = core.x + i * a
    let prev = dOutputs[l] + i * widths[l]
    for k in 0..<a {
      let twoX = SIMD8<Float>(repeating: 2 * x[k])
      var acc = SIMD8<Float>.zero
      let row = k * np
      var nb = 0
      while nb < np {
        let g = load(gMu + nb)
        let h = load(gSigma + nb)
        acc += g * load(core.w + row + nb) + h * (load(core.v1 + row + nb) - twoX * load(core.v2 + row + nb))
        nb += 8
      }
      prev[Int(core.inputs[k])] += acc.sum()
    }
  }

  private func parameterGradients(_ core: Core, a0: Int, count: Int) {
    let a = core.axons
    let n = core.neurons
    let np = core.padded
    if a0 == 0 {
      for j in 0..<n {
        var sum: Float = 0
        for i in 0..<count { sum += core.dMu[i * np + j] }
        core.gb[j] = sum
      }
    }
    for k in a0..<min(a0 + Self.axonBlock, a) {
      var nb = 0
      while nb < np {
        var g1 = SIMD8<Float>.zero
        var g2 = SIMD8<Float>.zero
        var g3 = SIMD8<Float>.zero
        for i in 0..<count {
          let xk = core.x[i * a + k]
          if xk == 0 { continue }
          let xv = SIMD8<Float>(repeating: xk)
          let h = load(core.dSigma + i * np + nb)
          g1 += xv * load(core.dMu + i * np + nb)
          g2 += xv * h
          g3 += (xv * xv) * h
        }
        // dmu/dc = x s; dsigma2/dc = x s^2 - 2 x^2 c s^2.
        let s = load(core.s + k * np + nb)
        let s2 = s * s
        for lane in 0..<8 where nb + lane < n {
          let j = nb + lane
          let c = core.c[k * n + j]
          core.gc[k * n + j] = s[lane] * g1[lane] + s2[lane] * g2[lane] - 2 * c * s2[lane] * g3[lane]
        }
        nb += 8
      }
    }
  }
}
