package org.onecexporter.queue.model;

import java.util.List;

/** What an ack-and-claim call did: per ack whether its lease still held, and the jobs leased in the same call. */
public record AckClaim(boolean[] acked, List<ClaimedJob> claimed) {}
