/// Loading a core's configuration into the flat state.
extension SimulatorStorage {
  /// Copies a validated core configuration into the flat state of core `k`, its parameters into
  /// the sets from `parameterBase` on (one set when `uniform`, else one per neuron).
  func load(core k: Int, from config: CoreConfig, chip: ChipDefinition, compactIndex: [Int32], seed: UInt64,
    parameterBase firstSet: Int, uniform: Bool)
  {
    let base = k * Self.coreSize
    var coreFlag: UInt8 = uniform ? Self.uniform : 0
    parameterBase[k] = Int32(firstSet)
    for i in 0..<config.crossbar.axons {
      for w in 0..<Self.rowWords { crossbar[(base + i) * Self.rowWords + w] = config.crossbar.words[i * Self.rowWords + w] }
      axonTypes[k * Self.typeWords + i / Self.typesPerWord] |=
        UInt64(config.axonTypes[i] & 3) << UInt64((i % Self.typesPerWord) * 2)
    }
    for (j, n) in config.neurons.enumerated() {
      for g in 0..<Self.axonTypeCount where n.stochasticSynapses >> UInt8(g) & 1 == 1 {
        deterministic[(k * Self.axonTypeCount + g) * Self.rowWords + j / Self.wordBits] &= ~(1 << UInt64(j % Self.wordBits))
        coreFlag |= Self.hasStochasticSynapses
      }
      if n.stochasticLeak || n.thresholdMaskBits > 0 { coreFlag |= Self.drawsWithoutInput }
      if !uniform || j == 0 {
        loadParameters(of: n, into: firstSet + (uniform ? 0 : j), firstSet: firstSet, uniform: uniform, neuron: j)
        if uniform { bucketPlan[k] = Self.bucketPlan(weights: (0..<Self.axonTypeCount).map { n.weights[$0] }) }
      }
      switch n.destination {
      case .none:
        route[base + j] = Self.noRoute
      case .pin(let p):
        route[base + j] = Self.routeTagged | UInt32(p)
      case .axon(let dx, let dy, let axon, let delay):
        let target = UInt32(compactIndex[chip.coreID(x: config.x + Int(dx), y: config.y + Int(dy))])
        route[base + j] = target << Self.routeTargetShift | UInt32(delay) << Self.routeDelayShift | UInt32(axon)
      }
    }
    // Neurons beyond the chip's core size stay at the quiet defaults and are never updated.
    let potentials = config.neurons.map(\.potential)
    if uniform && coreFlag & (Self.hasStochasticSynapses | Self.drawsWithoutInput) == 0
      && canBeNarrow(set: firstSet, potentials: potentials)
    {
      coreFlag |= Self.narrow
    }
    coreFlags[k] = coreFlag
    storePotentials(core: k, potentials)
    rng[k] = SplitMix64(seed: seed)
  }

  /// Stores neuron `j`'s parameters as set `p`.
  private func loadParameters(of n: Neuron, into p: Int, firstSet: Int, uniform: Bool, neuron j: Int) {
    for g in 0..<Self.axonTypeCount {
      weight[weightIndex(firstSet: firstSet, uniform: uniform, type: g, neuron: j)] = Int16(n.weights[g])
    }
    stochasticSynapses[p] = n.stochasticSynapses & 0xF
    leak[p] = Int16(n.leak)
    var f: UInt8 = UInt8(n.resetMode.rawValue) << Self.resetShift
    if n.stochasticLeak { f |= Self.stochasticLeakFlag }
    if n.leakReversal { f |= Self.leakReversalFlag }
    if n.kappa { f |= Self.kappaFlag }
    flags[p] = f
    threshold[p] = n.threshold
    negativeThreshold[p] = n.negativeThreshold
    thresholdMask[p] = Int32(truncatingIfNeeded: (Int64(1) << Int64(n.thresholdMaskBits)) - 1)
    resetPotential[p] = n.resetPotential
  }
}
