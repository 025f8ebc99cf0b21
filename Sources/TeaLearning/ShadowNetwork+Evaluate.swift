/// The forward pass of a trained shadow network, for evaluation and for the deployer.
extension ShadowNetwork {
  /// Every layer's spike probabilities for one input vector.
  /// - Parameter image: `topology.inputSize` values in [0, 1] (pixel / 255 for MNIST).
  /// - Returns: one array per layer, the outputs of its cores concatenated in core order.
  public func forward(image: [Float]) -> [[Float]] {
    precondition(image.count == topology.inputSize, "the image must have topology.inputSize values")
    let engine = _BatchEngine(topology: topology, capacity: 1, threads: 1)
    engine.derivatives = false
    engine.load(self)
    engine.setInputs(image, rows: [0])
    engine.forward(count: 1)
    return (1..<engine.widths.count).map { l in engine.outputs(ofLayer: l, count: 1) }
  }

  /// The spike probabilities of the class neurons (the last layer) for every image of `images`.
  /// - Returns: `images.count * topology.outputCount` values, image after image.
  /// - Complexity: parallel over all processors unless `threads` is 1; the result does not depend on it.
  public func outputProbabilities(_ images: ImageSet, threads: Int = 0) -> [Float] {
    var result: [Float] = []
    result.reserveCapacity(images.count * topology.outputCount)
    evaluate(images, threads: threads) { engine, count in
      result.append(contentsOf: engine.outputs(ofLayer: engine.widths.count - 1, count: count))
    }
    return result
  }

  /// The class with the highest score (see `ClassScore`) for class-neuron probabilities `p`;
  /// ties go to the lowest class.
  public func predictedClass<C: Collection>(outputs p: C, score: ClassScore) -> Int where C.Element == Float, C.Index == Int {
    var sums = [Double](repeating: 0, count: topology.classes)
    for (j, v) in zip(p.indices, p) { sums[topology.classOf(output: j - p.startIndex)] += Double(v) }
    let counts = topology.neuronsPerClass
    var best = 0
    for k in 0..<topology.classes {
      let a = score == .mean ? sums[k] / Double(counts[k]) : sums[k]
      let b = score == .mean ? sums[best] / Double(counts[best]) : sums[best]
      if a > b { best = k }
    }
    return best
  }

  /// The fraction of `images` the shadow network classifies correctly, and the mean loss.
  public func accuracy(on images: ImageSet, loss: LossFunction = .softmax, softmaxScale: Double = 1, threads: Int = 0)
    -> (accuracy: Double, loss: Double)
  {
    var correct = 0
    var total = 0.0
    evaluate(images, threads: threads, labels: true) { engine, count in
      let r = engine.loss(count: count, function: loss, softmaxScale: softmaxScale, gradients: false, gradScale: 0)
      correct += r.correct
      total += r.loss
    }
    let n = Double(max(images.count, 1))
    return (Double(correct) / n, total / n)
  }

  private func evaluate(_ images: ImageSet, threads: Int, labels: Bool = false, _ body: (_BatchEngine, Int) -> Void) {
    let batch = 256
    let engine = _BatchEngine(topology: topology, capacity: batch, threads: threads)
    engine.derivatives = false
    engine.load(self)
    precondition(images.pixelsPerImage == topology.inputSize, "the images do not match the topology's input size")
    var start = 0
    while start < images.count {
      let count = min(batch, images.count - start)
      engine.setInputs(images.pixels, rows: start..<(start + count))
      if labels { engine.setLabels(images.labels[start..<(start + count)]) }
      engine.forward(count: count)
      body(engine, count)
      start += count
    }
  }
}
