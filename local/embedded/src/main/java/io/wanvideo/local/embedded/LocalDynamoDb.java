package io.wanvideo.local.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.dynamodb.model.ExecuteTransactionRequest;
import software.amazon.awssdk.services.dynamodb.model.ExecuteTransactionResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local, in this JVM, speaking the real DynamoDB HTTP protocol on a loopback port.
 * In memory unless a data directory is given, in which case tables survive a restart, and a process killed at any
 * moment keeps every write it acknowledged (see {@link CommittedTransactions}).
 */
public final class LocalDynamoDb implements AutoCloseable {
    private final DynamoDBProxyServer server;
    private final int port;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** In memory, on a free port. */
    public static LocalDynamoDb start() {
        return start(0, null);
    }

    /**
     * @param port    0 for a free port
     * @param dataDir null for in-memory; otherwise the directory that holds the database file
     */
    public static LocalDynamoDb start(int port, Path dataDir) {
        int chosen = port == 0 ? LoopbackPorts.free() : port;
        String dbPath = null;
        if (dataDir != null) {
            try {
                Files.createDirectories(dataDir);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create DynamoDB Local data directory " + dataDir, e);
            }
            dbPath = dataDir.toAbsolutePath().toString();
        }
        try {
            // As ServerRunner builds it for "-sharedDb [-inMemory | -dbPath DIR]" (one database for every access key
            // and region, as a real account table would be), with the request handler below and no telemetry.
            DynamoDBProxyServer server = new DynamoDBProxyServer(chosen,
                    new LocalDynamoDBServerHandler(new CommittedTransactions(dataDir == null, dbPath), null));
            server.start();
            return new LocalDynamoDb(server, chosen);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + chosen, e);
        }
    }

    /**
     * DynamoDB Local's request handler, answering a transaction only once it is committed. DynamoDB Local 3.3.1
     * queues a transaction's COMMIT on its SQLite queue without waiting for it ({@code SQLiteDBAccess.commitTransaction})
     * and answers at once: a process killed in between loses a transaction it acknowledged (SQLite rolls it back on
     * the next open), which DynamoDB never does. The queue runs its jobs in order on one thread, so any later job
     * that is waited for, here a one-table listing, returns only after the COMMIT has run.
     */
    static final class CommittedTransactions extends LocalDynamoDBRequestHandler {
        CommittedTransactions(boolean inMemory, String dbPath) throws DynamoDBLocalServiceException {
            super(0, inMemory, dbPath, true, false);
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(String accessKey, String region, TransactWriteItemsRequest request) {
            TransactWriteItemsResponse response = super.transactWriteItems(accessKey, region, request);
            awaitCommit(accessKey, region);
            return response;
        }

        @Override
        public ExecuteTransactionResponse executeTransaction(String accessKey, String region, ExecuteTransactionRequest request) {
            ExecuteTransactionResponse response = super.executeTransaction(accessKey, region, request);
            awaitCommit(accessKey, region);
            return response;
        }

        private void awaitCommit(String accessKey, String region) {
            listTables(accessKey, region, ListTablesRequest.builder().limit(1).build());
        }
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        }
    }
}
