-- A job record's states (its 'state' field). JobState.java is the table of states and JobMoves.java the moves each
-- script may make (JobMovesTest checks both against the scripts). A job without a record is 'none' there: never
-- queued, or finished (an ack deletes the record).
local STATE_READY, STATE_DELAYED, STATE_ACTIVE, STATE_DEAD = 'ready', 'delayed', 'active', 'dead'
