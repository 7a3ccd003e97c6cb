package kv.proxy.backend;

import java.io.IOException;
import java.net.Socket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import kv.protocol.resp.Request;
import kv.protocol.resp.RespDecoder;
import kv.protocol.resp.RespEncoder;
import kv.protocol.resp.RespInput;
import kv.protocol.resp.RespValue;

/**
 * Finds which member of a group is its leader: asks every member {@code ROLE} at once, each on a
 * short-lived connection of its own, and {@linkplain #choose chooses} from the answers.
 *
 * <p>Design note: asking every member, rather than following one follower's pointer, is what
 * copes with a member that is paused (SIGSTOP) or dead: its question times out while the others
 * answer. A fresh connection per question keeps a stopped member's half-read reply from ever
 * being mistaken for a later one.
 */
final class LeaderFinder {

    /** Daemon threads for the questions and the searches; idle ones go after a minute. */
    static final ExecutorService THREADS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "kv-proxy-leader-finder");
        thread.setDaemon(true);
        return thread;
    });

    private LeaderFinder() {
    }

    /** Every member's answer to ROLE (null for one that did not answer in time or gave no ROLE reply), in member order. */
    static Map<GroupMember, RoleReply> ask(List<GroupMember> members, int timeoutMillis) {
        Map<GroupMember, CompletableFuture<RoleReply>> questions = new LinkedHashMap<>();
        for (GroupMember member : members) {
            questions.put(member, CompletableFuture.supplyAsync(() -> role(member, timeoutMillis), THREADS));
        }
        Map<GroupMember, RoleReply> answers = new LinkedHashMap<>();
        questions.forEach((member, question) -> {
            RoleReply reply;
            try {
                reply = question.get(2L * timeoutMillis, TimeUnit.MILLISECONDS);
            }
            catch (Exception e) {
                reply = null;
            }
            answers.put(member, reply);
        });
        return answers;
    }

    private static RoleReply role(GroupMember member, int timeoutMillis) {
        try (Socket socket = member.openSocket(timeoutMillis, timeoutMillis)) {
            RespEncoder.write(Request.of("ROLE"), socket.getOutputStream());
            socket.getOutputStream().flush();
            RespValue reply = new RespDecoder().readValue(new RespInput(socket.getInputStream(), 1024));
            return RoleReply.parse(reply);
        }
        catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The leader the answers show, or null if they show none for sure. One member claiming to
     * lead is it. Several claiming it (a deposed leader that has not heard of the new term yet)
     * are told apart by the followers' pointers: the one most followers name; a tie is no answer
     * yet, the next search will tell.
     */
    static GroupMember choose(Map<GroupMember, RoleReply> answers) {
        List<GroupMember> claiming = answers.entrySet().stream()
                .filter(answer -> answer.getValue() != null && answer.getValue().leader())
                .map(Map.Entry::getKey).toList();
        if (claiming.size() <= 1) {
            return claiming.isEmpty() ? null : claiming.get(0);
        }
        Map<String, Integer> named = new HashMap<>();
        for (RoleReply reply : answers.values()) {
            if (reply != null && !reply.leader() && reply.leaderName() != null) {
                named.merge(reply.leaderName(), 1, Integer::sum);
            }
        }
        GroupMember best = null;
        int bestVotes = 0;
        boolean tie = false;
        for (GroupMember candidate : claiming) {
            int votes = named.getOrDefault(candidate.name(), 0);
            if (votes > bestVotes) {
                best = candidate;
                bestVotes = votes;
                tie = false;
            }
            else if (votes == bestVotes) {
                tie = true;
            }
        }
        return tie || best == null ? null : best;
    }
}
