import TrueNorth

/// Why a model cannot be spread over the ranks asked for.
public struct BoardPartitionError: Error, CustomStringConvertible, Sendable, Equatable {
  /// Chips of the model's board.
  public var chips: Int
  /// Ranks asked for.
  public var ranks: Int
  /// The chip definition's name.
  public var board: String

  /// The rank counts that divide the board into equal blocks of whole chips.
  public var allowed: [Int] { (1...max(chips, 1)).filter { chips % $0 == 0 } }

  /// What was wrong and what is allowed.
  public var description: String {
    "\(ranks) ranks cannot each take the same whole number of chips of the \(board) board (\(chips) chip\(chips == 1 ? "" : "s")); "
      + "run with \(allowed.map(String.init).joined(separator: ", ")) ranks"
  }
}

/// How a board's chips are spread over ranks: rank r owns the contiguous block of chips
/// `r * chipsPerRank ..< (r + 1) * chipsPerRank` (chips numbered row-major over the board), and
/// with them every core on them. Whole chips, because a chip is where the hardware's own links
/// end: spikes between ranks are those that cross a chip boundary.
public struct BoardPartition: Sendable, Equatable {
  /// The board.
  public let chip: ChipDefinition
  /// Ranks the board is spread over.
  public let ranks: Int
  /// Chips each rank owns.
  public var chipsPerRank: Int { chip.chipCount / ranks }

  /// The partition of `chip`'s board over `ranks` ranks.
  /// - Throws: `BoardPartitionError` unless `ranks` divides the board's chip count.
  public init(chip: ChipDefinition, ranks: Int) throws(BoardPartitionError) {
    guard ranks >= 1, ranks <= chip.chipCount, chip.chipCount % ranks == 0 else {
      throw BoardPartitionError(chips: chip.chipCount, ranks: ranks, board: chip.name)
    }
    self.chip = chip
    self.ranks = ranks
  }

  /// The rank that owns the core at grid position (x, y).
  public func rank(x: Int, y: Int) -> Int {
    let chipIndex = (y / chip.coresPerChipY) * chip.chipsX + x / chip.coresPerChipX
    return chipIndex / chipsPerRank
  }

  /// The rank that owns the core with linear id `core` (`y * width + x`).
  public func rank(ofCore core: Int) -> Int { rank(x: core % chip.width, y: core / chip.width) }
}
