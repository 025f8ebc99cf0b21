/// The per-tick packet schedule of `CycleModel`: a bucket queue of packets by the cycle they reach
/// a router, and per link the cycle it is next free. A value type, so that the hot loop works on
/// its own storage without the dynamic exclusivity checks of class properties.
struct MeshSchedule {
  /// Chip-link times are kept in 1/`fixedOne` cycles, so a fractional service time is exact.
  static let fixedOne: Int64 = 1 << 16
  static let empty = MeshSchedule()

  var mesh: MeshRouter?
  var hopCycles = 1
  var chipLinkService: Int64 = fixedOne
  // Per-packet state, reused from tick to tick.
  var packetX: [Int32] = []
  var packetY: [Int32] = []
  var targetX: [Int32] = []
  var targetY: [Int32] = []
  var nextInBucket: [Int32] = []
  // Events by cycle: the packets that reach a router in that cycle, first in first out.
  var bucketHead: [Int32] = []
  var bucketTail: [Int32] = []
  var lastBucket = -1
  // Per-link state of the current tick; only touched links are reset.
  var linkFree: [Int32] = []
  var tickLinkLoad: [Int32] = []
  var touchedLinks: [Int32] = []
  var chipLinkFree: [Int64] = []
  var tickChipLinkLoad: [Int32] = []
  // Loads over the run.
  var linkLoads: [Int64] = []
  var chipLinkLoads: [Int64] = []

  private init() {}

  init(chip: ChipDefinition, mesh: MeshRouter) {
    self.mesh = mesh
    hopCycles = chip.routing.routerCyclesPerHop
    let service = chip.routing.clockHz / chip.routing.chipLinkSpikesPerSecond
    chipLinkService = max(1, Int64((service * Double(Self.fixedOne)).rounded()))
    linkLoads = Array(repeating: 0, count: mesh.linkCount)
    chipLinkLoads = Array(repeating: 0, count: mesh.chipLinkCount)
    linkFree = Array(repeating: 0, count: mesh.linkCount)
    tickLinkLoad = Array(repeating: 0, count: mesh.linkCount)
    chipLinkFree = Array(repeating: 0, count: mesh.chipLinkCount)
    tickChipLinkLoad = Array(repeating: 0, count: mesh.chipLinkCount)
  }

  struct Result {
    var delivery = 0
    var lastPacket = -1
    var queueing: Int64 = 0
    var maxWait = 0
    var hops: Int64 = 0
    var chipLinkCrossings: Int64 = 0
    var hottest: LinkLoad?
  }

  /// Schedules the tick's packets (see `CycleModel` for the rules) and adds the link loads: each
  /// packet at a router moves one hop on (queued behind the link's earlier packets) or is
  /// delivered to its core. The loop stays in this function: as a method of its own (measured) the
  /// hop was not inlined and cycle fidelity ran 30% slower.
  mutating func run(routes: [Simulator.Route], coreEvents: [(core: Int32, events: Int32)], baseCycles: Int, cyclesPerEvent: Int) -> Result {
    guard let mesh else { return Result() }
    var result = Result()
    let width = mesh.width
    var time = release(routes, coreEvents: coreEvents, baseCycles: baseCycles, cyclesPerEvent: cyclesPerEvent, width: width)
    while time <= lastBucket {
      var p = bucketHead[time]
      bucketHead[time] = -1
      while p >= 0 {
        let i = Int(p)
        let following = nextInBucket[i]
        let x = Int(packetX[i]), y = Int(packetY[i])
        let port = mesh.nextPort(x: x, y: y, targetX: Int(targetX[i]), targetY: Int(targetY[i]))
        let arrival =
          port != .local && mesh.crossesChip(x: x, y: y, port: port)
          ? crossChip(link: mesh.chipLink(x: x, y: y, port: port), at: time, into: &result)
          : cross(link: (y * width + x) * MeshRouter.portsPerRouter + port.rawValue, at: time, into: &result)
        switch port {
        case .local:
          if arrival > result.delivery || (arrival == result.delivery && i > result.lastPacket) {
            (result.delivery, result.lastPacket) = (arrival, i)
          }
        case .east: packetX[i] += 1
        case .west: packetX[i] -= 1
        case .north: packetY[i] -= 1
        case .south: packetY[i] += 1
        }
        if port != .local {
          result.hops += 1
          push(p, at: arrival)
        }
        p = following
      }
      time += 1
    }
    result.hottest = finishTick()
    return result
  }

  /// Queues every packet at its source router: a core's packets leave one per `hopCycles` from
  /// its release, `baseCycles` plus `cyclesPerEvent` per synaptic event of the source core.
  /// - Returns: the first cycle with a packet (`Int.max` when there is none).
  @inline(__always)
  mutating func release(_ routes: [Simulator.Route], coreEvents: [(core: Int32, events: Int32)], baseCycles: Int,
    cyclesPerEvent: Int, width: Int) -> Int
  {
    let n = routes.count
    prepare(packets: n)
    lastBucket = -1
    var start = Int.max
    var eventIndex = 0
    var k = 0
    while k < n {
      let source = routes[k].source
      while eventIndex < coreEvents.count && coreEvents[eventIndex].core < source { eventIndex += 1 }
      let events = eventIndex < coreEvents.count && coreEvents[eventIndex].core == source ? Int(coreEvents[eventIndex].events) : 0
      let release = baseCycles + events * cyclesPerEvent
      start = min(start, release)
      let sx = Int32(Int(source) % width), sy = Int32(Int(source) / width)
      var order = 0
      while k < n && routes[k].source == source {
        let target = Int(routes[k].target)
        packetX[k] = sx
        packetY[k] = sy
        targetX[k] = Int32(target % width)
        targetY[k] = Int32(target / width)
        push(Int32(k), at: release + order * hopCycles)
        order += 1
        k += 1
      }
    }
    return start
  }

  /// A packet crosses a chip link in cycle `time`, after the packets ahead of it on that link.
  /// - Returns: the cycle it reaches the next router.
  @inline(__always)
  mutating func crossChip(link: Int, at time: Int, into result: inout Result) -> Int {
    let now = Int64(time) * Self.fixedOne
    let depart = max(now, chipLinkFree[link])
    chipLinkFree[link] = depart + chipLinkService
    tickChipLinkLoad[link] += 1
    let wait = Int((depart - now + Self.fixedOne - 1) / Self.fixedOne)
    result.queueing += Int64(wait)
    result.maxWait = max(result.maxWait, wait)
    result.chipLinkCrossings += 1
    return max(time + hopCycles, Int((depart + chipLinkService + Self.fixedOne - 1) / Self.fixedOne))
  }

  /// A packet crosses a router link (or the local port) in cycle `time`, after the packets ahead
  /// of it on that link.
  /// - Returns: the cycle it reaches the next router or its core.
  @inline(__always)
  mutating func cross(link: Int, at time: Int, into result: inout Result) -> Int {
    let depart = max(time, Int(linkFree[link]))
    linkFree[link] = Int32(truncatingIfNeeded: depart + hopCycles)
    if tickLinkLoad[link] == 0 { touchedLinks.append(Int32(link)) }
    tickLinkLoad[link] += 1
    result.queueing += Int64(depart - time)
    result.maxWait = max(result.maxWait, depart - time)
    return depart + hopCycles
  }

  /// Grows the per-packet buffers to `count` packets.
  mutating func prepare(packets count: Int) {
    guard packetX.count < count else { return }
    let grow = count - packetX.count
    packetX += repeatElement(0, count: grow)
    packetY += repeatElement(0, count: grow)
    targetX += repeatElement(0, count: grow)
    targetY += repeatElement(0, count: grow)
    nextInBucket += repeatElement(-1, count: grow)
  }

  /// Appends packet `p` to the events of cycle `time`.
  @inline(__always)
  mutating func push(_ p: Int32, at time: Int) {
    if time >= bucketHead.count {
      let grow = max(time + 1 - bucketHead.count, bucketHead.count, 1024)
      bucketHead += repeatElement(-1, count: grow)
      bucketTail += repeatElement(-1, count: grow)
    }
    nextInBucket[Int(p)] = -1
    if bucketHead[time] < 0 {
      bucketHead[time] = p
    } else {
      nextInBucket[Int(bucketTail[time])] = p
    }
    bucketTail[time] = p
    lastBucket = max(lastBucket, time)
  }

  /// Adds the tick's link loads to the run's, finds the link busy longest (ties: the first
  /// touched router link, then the lowest chip link) and resets the tick's link state.
  mutating func finishTick() -> LinkLoad? {
    var hottest: LinkLoad?
    for l in touchedLinks {
      let link = Int(l)
      let packets = Int64(tickLinkLoad[link])
      linkLoads[link] += packets
      let busy = Double(packets) * Double(hopCycles)
      if busy > (hottest?.busyCycles ?? 0) { hottest = LinkLoad(kind: .router, link: link, packets: packets, busyCycles: busy) }
      tickLinkLoad[link] = 0
      linkFree[link] = 0
    }
    touchedLinks.removeAll(keepingCapacity: true)
    let service = Double(chipLinkService) / Double(Self.fixedOne)
    for link in tickChipLinkLoad.indices where tickChipLinkLoad[link] > 0 {
      let packets = Int64(tickChipLinkLoad[link])
      chipLinkLoads[link] += packets
      let busy = Double(packets) * service
      if busy > (hottest?.busyCycles ?? 0) { hottest = LinkLoad(kind: .chip, link: link, packets: packets, busyCycles: busy) }
      tickChipLinkLoad[link] = 0
      chipLinkFree[link] = 0
    }
    return hottest
  }
}
