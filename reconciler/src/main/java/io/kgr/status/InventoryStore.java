package io.kgr.status;

/** Where inventories live. It must be on the target itself, so ownership survives kgr's restarts and hosts. */
public interface InventoryStore {
    Inventories load(String cluster, String source) throws InventoryException;

    void save(Inventory inventory) throws InventoryException;

    class InventoryException extends Exception {
        public InventoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
