package io.kgr.plan;

/** How a step is counted and marked: {@code +} create, {@code ~} update, {@code -} delete. */
public enum Action {
    CREATE("+"), UPDATE("~"), DELETE("-");

    private final String symbol;

    Action(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
