package io.kgr.inventory;

import java.util.List;
import java.util.Optional;

/** Where inventories live. It must be on the target itself, so ownership survives kgr's restarts and hosts. */
public interface InventoryStore extends AutoCloseable {
    InventoryRecords loadAll() throws InventoryException;

    void save(Inventory inventory) throws InventoryException;

    /** Stores the source's new secret key (when given, see {@link #saveKey}) and then its inventory. */
    default void save(Inventory inventory, Optional<String> newKey) throws InventoryException {
        if (newKey.isPresent()) saveKey(inventory.cluster(), inventory.source(), newKey.get());
        save(inventory);
    }

    /**
     * The inventories as they stood when this store last wrote: at least every record written before its writes, in
     * the store's order ({@link InventoryRecords#writtenAt}), to decide which of two claims came first.
     */
    default InventoryRecords readBack() throws InventoryException {
        return loadAll();
    }

    /**
     * Stores the secret key of one source on one cluster (see {@code PasswordHash#pin}): kept apart from the
     * inventory record, which plans describe, and readable only where the inventory is.
     */
    default void saveKey(String cluster, String source, String key) throws InventoryException {
        throw new InventoryException("this inventory store cannot keep keys", null);
    }

    /** Records the replica moves a source starts and the throttles it sets for them (before it sets the first). */
    default void saveMoves(Moves moves) throws InventoryException {
        throw new InventoryException("this inventory store cannot record moves", null);
    }

    /** Forgets the source's moves record: its moves are done and its throttles removed. */
    default void clearMoves(String cluster, String source) throws InventoryException {
        throw new InventoryException("this inventory store cannot record moves", null);
    }

    /**
     * Records the commits approved through kgr's API for a source's held steps (oldest first), so that an approval
     * outlives the kgr that took it: a restart, an upgrade, a standby taking over.
     */
    default void saveApprovals(String cluster, String source, List<String> commits) throws InventoryException {
        throw new InventoryException("this inventory store cannot record approvals", null);
    }

    /** Forgets one source's inventory on one cluster (after its resources were handed to another source). */
    default void delete(String cluster, String source) throws InventoryException {
        throw new InventoryException("this inventory store cannot delete inventories", null);
    }

    /** Makes the store ready for a {@link #save}; called early by apply so that the save at the end is quick. */
    default void prepare() throws InventoryException {
    }

    /**
     * Asks for the store's topic before anything else is created: a broker makes partitions in the order they were
     * created, so an inventory topic asked for behind 10,000 others got its leader only once their logs existed
     * (≈ 12 s on two cores). Returns once the request is acknowledged; {@link #prepare} waits for the leader.
     */
    default void create() throws InventoryException {
    }

    /** Releases the clients the store keeps between reads and writes. */
    @Override
    default void close() {
    }

    class InventoryException extends Exception {
        public InventoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
