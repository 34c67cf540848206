package org.drbdj.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?": the nearest keyword by edit distance, if it is near enough to help. */
final class Suggestions {
    private Suggestions() {
    }

    /** The candidate closest to {@code word}; empty when none is within a third of its length. */
    static Optional<String> nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.startsWith("_")) {
                continue; // internal options are never a good hint
            }
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int limit = Math.max(2, word.length() / 3);
        if (best != null && (bestDistance <= limit || best.startsWith(word) || word.startsWith(best))) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
